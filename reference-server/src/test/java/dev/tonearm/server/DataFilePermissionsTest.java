package dev.tonearm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.FileSystems;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files holding account and device data are readable by their owner only, on POSIX systems. */
class DataFilePermissionsTest {
  @TempDir Path tempDir;

  @Test
  void accountsAndDevicesFiles_areOwnerOnly() throws Exception {
    assumeTrue(
        FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
        "the file system has no POSIX permissions");
    Path data = tempDir.resolve("data");
    try (ReferenceServer server = TestServers.builder(data).seedDemo(false).build().start()) {
      Tokens tokens = Tokens.premium(server.apiUrl());
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      String key =
          Base64.getEncoder().encodeToString(generator.generateKeyPair().getPublic().getEncoded());
      String body =
          "{\"deviceId\":\"d-perm-test-01\",\"publicKey\":\"" + key + "\",\"name\":\"Desk\"}";
      try (RawHttp http = new RawHttp(server.apiUrl())) {
        RawHttp.Response response =
            http.send(
                "POST",
                "/v1/devices",
                Map.of("Authorization", tokens.bearer(), "Content-Type", "application/json"),
                body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(response.status()).as(response.text()).isEqualTo(201);
      }
    }

    assertThat(permissions(data.resolve("accounts.json"))).isEqualTo("rw-------");
    assertThat(permissions(data.resolve("drm/devices.json"))).isEqualTo("rw-------");
  }

  private static String permissions(Path file) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }
}
