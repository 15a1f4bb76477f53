package dev.tonearm.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.server.http.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays every request example of {@code docs/api.md} against a real server with the demo
 * catalog and checks status, listed headers and the JSON shape and values, following the rules in
 * that document's section "How the examples are checked".
 */
class ApiContractTest {
  private static final Pattern PLACEHOLDER = Pattern.compile("<[^>]+>");
  private static final Pattern CAPTURE = Pattern.compile("<\\$[A-Za-z0-9]+>");

  /** Values that responses bound to {@code <$name>}, for later requests; examples run in order. */
  private static final Map<String, String> CAPTURED = new java.util.concurrent.ConcurrentHashMap<>();

  private static final Pattern VARIES = Pattern.compile("<!--\\s*varies:(.*?)-->");

  /** Admin token of the server under test; examples write it as {@code <adminToken>}. */
  static final String ADMIN_TOKEN = "contract-admin-token-0123456789";

  @TempDir static Path tempDir;
  private static ReferenceServer server;

  /** One request and its documented response. */
  record Example(String name, String request, String response, Set<String> varies) {}

  @BeforeAll
  static void startServer() throws Exception {
    server =
        TestServers.builder(TestServers.seededDataDir(tempDir.resolve("data")))
            .faultInjection(ADMIN_TOKEN)
            .build()
            .start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void apiDoc_hasExamplesForEveryEndpoint() throws IOException {
    List<Example> examples = parseExamples(Files.readString(apiDoc()));

    List<String> requestLines = examples.stream().map(e -> e.request().lines().findFirst().get()).toList();
    assertThat(examples).hasSizeGreaterThanOrEqualTo(20);
    assertThat(requestLines)
        .anyMatch(line -> line.startsWith("POST /v1/auth/login "))
        .anyMatch(line -> line.startsWith("POST /v1/auth/refresh "))
        .anyMatch(line -> line.startsWith("GET /v1/tracks "))
        .anyMatch(line -> line.startsWith("GET /v1/playlists/"))
        .anyMatch(line -> line.matches("GET /v1/tracks/[^/]+/manifest .*"))
        .anyMatch(line -> line.startsWith("POST /v1/devices "))
        .anyMatch(line -> line.startsWith("GET /v1/devices "))
        .anyMatch(line -> line.startsWith("DELETE /v1/devices/"))
        .anyMatch(line -> line.startsWith("POST /v1/licences "))
        .anyMatch(line -> line.startsWith("GET /v1/licences/signing-keys "))
        .anyMatch(line -> line.startsWith("GET /objects/"))
        .anyMatch(line -> line.startsWith("HEAD /objects/"))
        .anyMatch(line -> line.startsWith("POST /v1/admin/faults "))
        .anyMatch(line -> line.startsWith("PUT /v1/admin/faults/schedule "));
  }

  @Test
  void compare_reportsEachDifference() throws IOException {
    JsonNode expected =
        Json.MAPPER.readTree(
            "{\"id\":\"t-<id>\",\"n\":1,\"list\":[{\"x\":1},\"...\"],\"pair\":[1,2],\"v\":2}");
    JsonNode actual =
        Json.MAPPER.readTree(
            "{\"id\":\"u-1\",\"n\":2,\"list\":[{\"x\":\"s\"}],\"pair\":[1],\"v\":3,\"extra\":0}");
    List<String> errors = new ArrayList<>();

    compare(expected, actual, "", true, Set.of("v"), errors);

    assertThat(errors)
        .containsExactlyInAnyOrder(
            "(root): expected fields [id, n, list, pair, v], got [id, n, list, pair, v, extra]",
            "id: expected t-<id>, got u-1",
            "n: expected 1, got 2",
            "list[].x: expected a number like 1, got \"s\"",
            "pair: expected 2 elements, got 1");
  }

  @TestFactory
  Stream<DynamicTest> apiDocExample_replayedAgainstServer_matchesDocumentedResponse()
      throws IOException {
    List<Example> examples = parseExamples(Files.readString(apiDoc()));
    return examples.stream()
        .map(example -> DynamicTest.dynamicTest(example.name(), () -> replay(example)));
  }

  private static void replay(Example example) throws IOException {
    Tokens premium = Tokens.premium(server.apiUrl());
    Tokens free = Tokens.free(server.apiUrl());
    Map<String, String> substitutions = new LinkedHashMap<>(CAPTURED);
    substitutions.putAll(
        Map.of(
            "<accessToken>", premium.accessToken(),
            "<refreshToken>", premium.refreshToken(),
            "<freeAccessToken>", free.accessToken(),
            "<adminToken>", ADMIN_TOKEN,
            "<demoKeyId>", demoKeyId()));

    List<String> requestLines = example.request().lines().toList();
    String[] requestLine = requestLines.get(0).split(" ");
    Map<String, String> headers = new LinkedHashMap<>();
    String target = null;
    int line = 1;
    for (; line < requestLines.size() && !requestLines.get(line).isEmpty(); line++) {
      String header = requestLines.get(line);
      int colon = header.indexOf(':');
      String name = header.substring(0, colon).trim();
      String value = substitute(header.substring(colon + 1).trim(), substitutions);
      if (name.equalsIgnoreCase("Host")) {
        target = value;
      } else {
        headers.put(name, value);
      }
    }
    String body = String.join("\n", requestLines.subList(Math.min(line + 1, requestLines.size()), requestLines.size())).trim();
    String baseUrl = baseUrl(target);

    RawHttp.Response actual;
    try (RawHttp http = new RawHttp(baseUrl)) {
      byte[] bytes = body.isEmpty() ? null : substitute(body, substitutions).getBytes(StandardCharsets.UTF_8);
      actual = http.send(requestLine[0], substitute(requestLine[1], substitutions), headers, bytes);
    }

    List<String> responseLines = example.response().lines().toList();
    int expectedStatus = Integer.parseInt(responseLines.get(0).split(" ")[1]);
    assertThat(actual.status()).as("status of %s: %s", example.name(), actual.text()).isEqualTo(expectedStatus);
    int responseLine = 1;
    for (; responseLine < responseLines.size() && !responseLines.get(responseLine).isEmpty(); responseLine++) {
      String header = responseLines.get(responseLine);
      int colon = header.indexOf(':');
      String name = header.substring(0, colon).trim();
      String expectedValue = header.substring(colon + 1).trim();
      assertThat(actual.header(name)).as("header %s", name).isNotNull();
      assertThat(actual.header(name)).as("header %s", name).matches(wildcard(expectedValue));
    }
    String expectedBody =
        String.join("\n", responseLines.subList(Math.min(responseLine + 1, responseLines.size()), responseLines.size())).trim();
    if (expectedBody.startsWith("{")) {
      JsonNode expectedJson = Json.MAPPER.readTree(expectedBody);
      List<String> errors = new ArrayList<>();
      compare(expectedJson, actual.json(), "", true, example.varies(), errors);
      assertThat(errors).as("JSON differences in %s, body %s", example.name(), actual.text()).isEmpty();
    }
  }

  /** Content key id of the first demo track, which ingest chose at random. */
  private static String demoKeyId() {
    return server
        .catalog()
        .track("t-c9d9bdd0c399")
        .orElseThrow()
        .renditions()
        .get(0)
        .encryption()
        .keyId();
  }

  private static String baseUrl(String hostPlaceholder) {
    if ("<api>".equals(hostPlaceholder)) {
      return server.apiUrl();
    }
    Matcher edge = Pattern.compile("<edge-(\\d+)>").matcher(hostPlaceholder == null ? "" : hostPlaceholder);
    if (edge.matches()) {
      return server.edgeUrls().get(Integer.parseInt(edge.group(1)));
    }
    throw new IllegalArgumentException("example Host must be <api> or <edge-N>: " + hostPlaceholder);
  }

  /** Compares per the documented rules; appends one message per difference to {@code errors}. */
  static void compare(
      JsonNode expected,
      JsonNode actual,
      String path,
      boolean checkValues,
      Set<String> varies,
      List<String> errors) {
    String where = path.isEmpty() ? "(root)" : path;
    if (expected.isObject()) {
      if (!actual.isObject()) {
        errors.add(where + ": expected an object, got " + actual.getNodeType());
        return;
      }
      Set<String> expectedNames = new LinkedHashSet<>();
      expected.fieldNames().forEachRemaining(expectedNames::add);
      Set<String> actualNames = new LinkedHashSet<>();
      actual.fieldNames().forEachRemaining(actualNames::add);
      if (!expectedNames.equals(actualNames)) {
        errors.add(where + ": expected fields " + expectedNames + ", got " + actualNames);
      }
      for (String name : expectedNames) {
        if (actual.has(name)) {
          String child = path.isEmpty() ? name : path + "." + name;
          compare(expected.get(name), actual.get(name), child, checkValues, varies, errors);
        }
      }
    } else if (expected.isArray()) {
      if (!actual.isArray()) {
        errors.add(where + ": expected an array, got " + actual.getNodeType());
        return;
      }
      boolean abbreviated =
          expected.size() > 0 && "...".equals(expected.get(expected.size() - 1).textValue());
      if (abbreviated || !checkValues) {
        if (abbreviated && actual.size() == 0) {
          errors.add(where + ": expected a non-empty array");
        }
        if (expected.size() > 0) {
          for (JsonNode element : actual) {
            compare(expected.get(0), element, path + "[]", false, varies, errors);
          }
        }
        return;
      }
      if (expected.size() != actual.size()) {
        errors.add(where + ": expected " + expected.size() + " elements, got " + actual.size());
        return;
      }
      Iterator<JsonNode> actualElements = actual.elements();
      for (JsonNode element : expected) {
        compare(element, actualElements.next(), path + "[]", true, varies, errors);
      }
    } else if (expected.isTextual()) {
      if (!actual.isTextual()) {
        errors.add(where + ": expected a string, got " + actual.getNodeType());
      } else if (checkValues && !actual.textValue().matches(wildcard(expected.textValue()))) {
        errors.add(where + ": expected " + expected.textValue() + ", got " + actual.textValue());
      } else if (checkValues && CAPTURE.matcher(expected.textValue()).matches()) {
        CAPTURED.put(expected.textValue(), actual.textValue());
      }
    } else if (expected.isNumber()) {
      if (!actual.isNumber() || expected.isIntegralNumber() != actual.isIntegralNumber()) {
        errors.add(where + ": expected a number like " + expected + ", got " + actual);
      } else if (checkValues
          && !varies.contains(path)
          && expected.decimalValue().compareTo(actual.decimalValue()) != 0) {
        errors.add(where + ": expected " + expected + ", got " + actual);
      }
    } else if (expected.isBoolean()) {
      if (!actual.isBoolean() || (checkValues && expected.booleanValue() != actual.booleanValue())) {
        errors.add(where + ": expected " + expected + ", got " + actual);
      }
    } else if (expected.isNull() && !actual.isNull()) {
      errors.add(where + ": expected null, got " + actual);
    }
  }

  /** Regex for {@code text} where each {@code <...>} part matches any non-empty text. */
  static String wildcard(String text) {
    StringBuilder regex = new StringBuilder();
    Matcher matcher = PLACEHOLDER.matcher(text);
    int last = 0;
    while (matcher.find()) {
      regex.append(Pattern.quote(text.substring(last, matcher.start()))).append(".+");
      last = matcher.end();
    }
    regex.append(Pattern.quote(text.substring(last)));
    return regex.toString();
  }

  private static String substitute(String text, Map<String, String> substitutions) {
    String result = text;
    for (Map.Entry<String, String> entry : substitutions.entrySet()) {
      result = result.replace(entry.getKey(), entry.getValue());
    }
    return result;
  }

  /** Splits the document into request/response example pairs named after their heading. */
  static List<Example> parseExamples(String markdown) {
    List<String> lines = markdown.lines().toList();
    List<Example> examples = new ArrayList<>();
    String heading = "";
    String pendingRequest = null;
    Map<String, Integer> countByHeading = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.startsWith("#")) {
        heading = line.replaceFirst("^#+\\s*", "");
        continue;
      }
      if (!line.trim().equals("```http")) {
        continue;
      }
      StringBuilder block = new StringBuilder();
      for (i++; i < lines.size() && !lines.get(i).trim().equals("```"); i++) {
        block.append(lines.get(i)).append('\n');
      }
      String text = block.toString().strip();
      if (text.startsWith("HTTP/")) {
        if (pendingRequest == null) {
          throw new IllegalStateException("response example without a request under " + heading);
        }
        Set<String> varies = new LinkedHashSet<>();
        for (int j = i + 1; j < lines.size() && !lines.get(j).startsWith("```")
            && !lines.get(j).startsWith("#"); j++) {
          Matcher matcher = VARIES.matcher(lines.get(j));
          if (matcher.find()) {
            for (String field : matcher.group(1).split(",")) {
              varies.add(field.trim());
            }
          }
        }
        int index = countByHeading.merge(heading, 1, Integer::sum);
        examples.add(new Example(heading + " #" + index, pendingRequest, text, varies));
        pendingRequest = null;
      } else {
        pendingRequest = text;
      }
    }
    return examples;
  }

  private static Path apiDoc() {
    String configured = System.getProperty("tonearm.apiDoc");
    Path path = configured != null ? Path.of(configured) : Path.of("..", "docs", "api.md");
    assertThat(path).as("API document").exists();
    return path;
  }
}
