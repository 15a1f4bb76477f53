package dev.tonearm.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/** The server's shared Jackson mapper. {@link ObjectMapper} is thread-safe once configured. */
public final class Json {
  /**
   * Mapper for API bodies and stored records. Unknown fields are ignored when reading, but text
   * after the JSON value and duplicate keys make the body invalid.
   */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private Json() {}

  /**
   * Decodes a request body as UTF-8 only. Jackson would detect UTF-16 and UTF-32 from the first
   * bytes of a byte array, but the API defines bodies as UTF-8, so callers parse the returned
   * text instead of the bytes.
   *
   * @throws CharacterCodingException when the body is not valid UTF-8
   */
  public static String decodeUtf8(byte[] body) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(body))
        .toString();
  }

  /**
   * Describes why a body failed to parse or bind, in words fit for an API error message: limits
   * of {@link StreamReadConstraints} become plain sentences, and Jackson's hints that name its
   * classes, methods or features are dropped.
   */
  public static String describeParseFailure(JsonProcessingException failure) {
    if (failure instanceof StreamConstraintsException) {
      return describeLimit(failure.getOriginalMessage());
    }
    if (failure instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
      String field =
          mapping.getPath().stream()
              .map(
                  reference ->
                      reference.getFieldName() != null
                          ? reference.getFieldName()
                          : String.valueOf(reference.getIndex()))
              .collect(Collectors.joining("."));
      return "field '" + field + "' has a value of the wrong type or form";
    }
    return withoutHints(failure.getOriginalMessage());
  }

  private static String describeLimit(String message) {
    StreamReadConstraints limits = MAPPER.getFactory().streamReadConstraints();
    String text = message == null ? "" : message;
    if (text.contains("NestingDepth")) {
      return "JSON nesting deeper than " + limits.getMaxNestingDepth() + " levels";
    }
    if (text.contains("NumberLength")) {
      return "number too long: the limit is " + limits.getMaxNumberLength() + " characters";
    }
    if (text.contains("StringLength")) {
      return "string too long: the limit is " + limits.getMaxStringLength() + " characters";
    }
    if (text.contains("NameLength")) {
      return "field name too long: the limit is " + limits.getMaxNameLength() + " characters";
    }
    if (text.contains("TokenCount")) {
      return "JSON has more than " + limits.getMaxTokenCount() + " tokens";
    }
    return "JSON exceeds a size limit of the parser";
  }

  /**
   * Cuts a Jackson message before its first hint in backquotes, such as "enable
   * `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow", which names a Jackson setting that API
   * clients cannot change.
   */
  private static String withoutHints(String message) {
    if (message == null || message.isEmpty()) {
      return "malformed JSON";
    }
    int backquote = message.indexOf('`');
    if (backquote < 0) {
      return message;
    }
    String head = message.substring(0, backquote);
    int cut = Math.max(head.lastIndexOf(':'), Math.max(head.lastIndexOf(';'), head.lastIndexOf('(')));
    String beforeHint = (cut > 0 ? head.substring(0, cut) : head).trim();
    return beforeHint.isEmpty() ? "malformed JSON" : beforeHint;
  }
}
