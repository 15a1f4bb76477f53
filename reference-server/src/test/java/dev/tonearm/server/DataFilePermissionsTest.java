package dev.tonearm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.testing.Corpus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every file and folder that the server writes under its data directory is readable by its owner
 * only ({@code rw-------} and {@code rwx------}) on POSIX file systems, and a start tightens a data
 * directory that an older version created with the process umask.
 */
class DataFilePermissionsTest {
  private static final String ADMIN_TOKEN = "admin-token-for-permission-tests-0123456789";
  private static final String FILE_PERMISSIONS = "rw-------";
  private static final String DIRECTORY_PERMISSIONS = "rwx------";

  @TempDir Path tempDir;

  @BeforeEach
  void requirePosix() {
    assumeTrue(
        FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
        "the file system has no POSIX permissions");
  }

  @Test
  void everyWritingBackend_leavesOwnerOnlyEntries() throws Exception {
    Path flac = Corpus.require("flac-test-files/subset/01 - blocksize 4096.flac");
    Path data = tempDir.resolve("data");
    try (ReferenceServer server =
        TestServers.builder(data)
            .seedDemo(false)
            .faultInjection(ADMIN_TOKEN)
            .demoVorbisLadderKbps(List.of(96))
            .build()
            .start()) {
      String trackId = ingest(server, flac);
      Tokens tokens = Tokens.premium(server.apiUrl());
      try (RawHttp http = new RawHttp(server.apiUrl())) {
        String keyId = keyIdOf(http, tokens, trackId);
        String deviceId = "d-perm-test-01";
        post(http, tokens, "/v1/devices", deviceBody(deviceId), 201);
        post(
            http,
            tokens,
            "/v1/licences",
            "{\"deviceId\":\"" + deviceId + "\",\"keyIds\":[\"" + keyId + "\"],"
                + "\"purpose\":\"offline\"}",
            200);
        String offline = "/v1/offline/devices/" + deviceId;
        post(
            http,
            tokens,
            "/v1/offline/devices",
            "{\"deviceId\":\"" + deviceId + "\",\"displayName\":\"Desk\"}",
            201);
        String tracks = "{\"trackIds\":[\"" + trackId + "\"]}";
        post(http, tokens, offline + "/downloads", tracks, 200);
        post(http, tokens, offline + "/keys", tracks, 200);
        post(http, tokens, offline + "/refresh", "{\"heldTrackIds\":[\"" + trackId + "\"]}", 200);
      }
      server.syncService().createPlaylist("road-trip", "u-premium");
      server.syncService().addCollaborator("road-trip", "u-premium", "u-free");
    }
    ServerMain.adminToken(data, new PrintWriter(new StringWriter()));

    Map<String, String> entries = permissionsBelow(data);
    assertThat(entries)
        .containsKeys(
            "accounts.json",
            "drm/devices.json",
            "drm/kms",
            "offline/expiry-secret",
            "offline/accounts",
            "sync/road-trip.playlist",
            "catalog/tracks",
            "objects",
            "sources",
            "tmp",
            "lock",
            ServerMain.ADMIN_TOKEN_FILE);
    assertThat(entries.keySet()).anyMatch(path -> path.startsWith("offline/accounts/"));
    assertThat(entries.keySet()).anyMatch(path -> path.startsWith("objects/t-"));
    assertThat(entries.keySet()).anyMatch(path -> path.startsWith("sources/t-"));
    assertThat(permissions(data)).isEqualTo(DIRECTORY_PERMISSIONS);
    assertOwnerOnly(data, entries);
  }

  @Test
  void olderDataDirectory_tightenedAtStart() throws Exception {
    Path data = tempDir.resolve("data");
    try (ReferenceServer server = TestServers.builder(data).seedDemo(false).build().start()) {
      Tokens tokens = Tokens.premium(server.apiUrl());
      try (RawHttp http = new RawHttp(server.apiUrl())) {
        post(http, tokens, "/v1/devices", deviceBody("d-perm-test-02"), 201);
      }
      server.syncService().createPlaylist("road-trip", "u-premium");
    }
    // Older versions created everything with the umask, except the key directory drm/kms.
    List<Path> loosened = new ArrayList<>();
    try (Stream<Path> paths = Files.walk(data)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        if (path.startsWith(data.resolve("drm/kms"))) {
          continue;
        }
        boolean directory = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(
            path, PosixFilePermissions.fromString(directory ? "rwxr-xr-x" : "rw-r--r--"));
        loosened.add(path);
      }
    }
    assertThat(permissions(data.resolve("accounts.json"))).isEqualTo("rw-r--r--");

    try (ReferenceServer server = TestServers.builder(data).seedDemo(false).build().start()) {
      Tokens.premium(server.apiUrl());
    }

    Map<String, String> entries = permissionsBelow(data);
    assertThat(entries)
        .containsKeys(
            "accounts.json",
            "drm/devices.json",
            "sync/road-trip.playlist",
            "catalog/tracks",
            "lock");
    assertThat(permissions(data)).isEqualTo(DIRECTORY_PERMISSIONS);
    assertOwnerOnly(data, entries);
    assertThat(loosened).hasSizeGreaterThan(entries.size() / 2);
  }

  @Test
  void restrictExistingEntries_returnsChangedPathsOnly() throws Exception {
    Path root = tempDir.resolve("data");
    Files.createDirectories(root.resolve("catalog"));
    Files.writeString(root.resolve("catalog/a.json"), "{}");
    Files.writeString(root.resolve("secret"), "x");
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
    Files.setPosixFilePermissions(
        root.resolve("catalog"), PosixFilePermissions.fromString("rwxr-x---"));
    Files.setPosixFilePermissions(
        root.resolve("catalog/a.json"), PosixFilePermissions.fromString("r--r--r--"));
    Files.setPosixFilePermissions(
        root.resolve("secret"), PosixFilePermissions.fromString("rw-------"));
    Files.createSymbolicLink(root.resolve("link"), root.resolve("catalog/a.json"));

    List<Path> changed = new DataDirectory(root).restrictExistingEntries();

    assertThat(changed).containsExactly(root.resolve("catalog"), root.resolve("catalog/a.json"));
    assertThat(permissions(root.resolve("catalog"))).isEqualTo("rwx------");
    assertThat(permissions(root.resolve("catalog/a.json"))).isEqualTo("r--------");
    assertThat(new DataDirectory(root).restrictExistingEntries()).isEmpty();
  }

  @Test
  void writeAtomically_replacesLooseFileOwnerOnly() throws Exception {
    Path file = tempDir.resolve("record.json");
    Files.writeString(file, "old");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));

    OwnerOnlyFiles.writeAtomically(file, "new".getBytes(StandardCharsets.UTF_8));

    assertThat(Files.readString(file)).isEqualTo("new");
    assertThat(permissions(file)).isEqualTo(FILE_PERMISSIONS);
    try (Stream<Path> entries = Files.list(tempDir)) {
      assertThat(entries).containsExactly(file);
    }
  }

  @Test
  void copy_ignoresSourcePermissions() throws Exception {
    Path source = tempDir.resolve("source.flac");
    Files.writeString(source, "audio");
    Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-r--r--"));
    Path target = tempDir.resolve("copy.flac");

    OwnerOnlyFiles.copy(source, target);

    assertThat(Files.readString(target)).isEqualTo("audio");
    assertThat(permissions(target)).isEqualTo(FILE_PERMISSIONS);
    assertThat(permissions(source)).isEqualTo("rw-r--r--");
  }

  private static void assertOwnerOnly(Path data, Map<String, String> entries) {
    entries.forEach(
        (relative, actual) -> {
          boolean directory = Files.isDirectory(data.resolve(relative), LinkOption.NOFOLLOW_LINKS);
          assertThat(actual)
              .as("permissions of %s", relative)
              .isEqualTo(directory ? DIRECTORY_PERMISSIONS : FILE_PERMISSIONS);
        });
  }

  /** Returns the permissions of every entry below {@code root}, keyed by relative path. */
  private static Map<String, String> permissionsBelow(Path root) throws IOException {
    Map<String, String> entries = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        if (!path.equals(root)) {
          entries.put(root.relativize(path).toString(), permissions(path));
        }
      }
    }
    return entries;
  }

  private static String permissions(Path path) throws IOException {
    return PosixFilePermissions.toString(
        Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
  }

  private static String ingest(ReferenceServer server, Path file) throws IOException {
    String body = "{\"path\":\"" + file.toString().replace("\\", "\\\\") + "\"}";
    try (RawHttp http = new RawHttp(server.apiUrl())) {
      RawHttp.Response response =
          http.send(
              "POST",
              "/v1/admin/ingest",
              Map.of("Authorization", "Bearer " + ADMIN_TOKEN, "Content-Type", "application/json"),
              body.getBytes(StandardCharsets.UTF_8));
      assertThat(response.status()).as(response.text()).isEqualTo(201);
      return response.json().get("trackId").asText();
    }
  }

  private static String keyIdOf(RawHttp http, Tokens tokens, String trackId) throws IOException {
    RawHttp.Response response =
        http.get(
            "/v1/tracks/" + trackId + "/manifest", Map.of("Authorization", tokens.bearer()));
    assertThat(response.status()).as(response.text()).isEqualTo(200);
    JsonNode manifest = response.json();
    return manifest.at("/renditions/0/encryption/keyId").asText();
  }

  private static void post(RawHttp http, Tokens tokens, String path, String body, int status)
      throws IOException {
    RawHttp.Response response =
        http.send(
            "POST",
            path,
            Map.of("Authorization", tokens.bearer(), "Content-Type", "application/json"),
            body.getBytes(StandardCharsets.UTF_8));
    assertThat(response.status()).as("%s: %s", path, response.text()).isEqualTo(status);
  }

  private static String deviceBody(String deviceId) throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    String key =
        Base64.getEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded());
    return "{\"deviceId\":\"" + deviceId + "\",\"publicKey\":\"" + key + "\",\"name\":\"Desk\"}";
  }
}
