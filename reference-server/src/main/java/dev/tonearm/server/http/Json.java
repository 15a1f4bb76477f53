package dev.tonearm.server.http;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The server's shared Jackson mapper. {@link ObjectMapper} is thread-safe once configured. */
public final class Json {
  /** Mapper for API bodies and stored records; unknown fields are ignored when reading. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private Json() {}
}
