package dev.tonearm.server.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LicenceExpiryPolicyTest {
  private static final Duration THREE_DAYS = Duration.ofDays(3);

  private final LicenceExpiryPolicy policy =
      new LicenceExpiryPolicy(OfflineFixture.SECRET, OfflineLimits.defaults());

  @Test
  void jitterFor_tenThousandDevices_spreadsWithinBounds() {
    long minSeconds = Long.MAX_VALUE;
    long maxSeconds = Long.MIN_VALUE;
    double sumSeconds = 0;
    int[] dayBuckets = new int[6];
    int devices = 10_000;
    for (int i = 0; i < devices; i++) {
      Duration jitter = policy.jitterFor("device-" + i);
      long seconds = jitter.toSeconds();
      assertThat(jitter.abs()).isLessThanOrEqualTo(THREE_DAYS);
      minSeconds = Math.min(minSeconds, seconds);
      maxSeconds = Math.max(maxSeconds, seconds);
      sumSeconds += seconds;
      dayBuckets[(int) Math.min(5, (seconds + THREE_DAYS.toSeconds()) / 86_400)]++;
    }

    assertThat(minSeconds).isLessThan(-THREE_DAYS.toSeconds() + 3_600);
    assertThat(maxSeconds).isGreaterThan(THREE_DAYS.toSeconds() - 3_600);
    assertThat(Math.abs(sumSeconds / devices)).isLessThan(0.05 * 86_400);
    // Uniform spread puts about 1,667 devices in each of the six days; allow 15% either way.
    for (int bucket : dayBuckets) {
      assertThat(bucket).isBetween(1_417, 1_917);
    }
  }

  @Test
  void jitterFor_sameDeviceAndSecret_isStable() {
    LicenceExpiryPolicy other =
        new LicenceExpiryPolicy(OfflineFixture.SECRET.clone(), OfflineLimits.defaults());

    assertThat(other.jitterFor("d-phone")).isEqualTo(policy.jitterFor("d-phone"));
  }

  @Test
  void jitterFor_otherSecret_givesOtherJitters() {
    byte[] otherSecret = OfflineFixture.SECRET.clone();
    otherSecret[0] ^= 1;
    LicenceExpiryPolicy other = new LicenceExpiryPolicy(otherSecret, OfflineLimits.defaults());

    int differing = 0;
    for (int i = 0; i < 100; i++) {
      if (!other.jitterFor("d-" + i).equals(policy.jitterFor("d-" + i))) {
        differing++;
      }
    }
    assertThat(differing).isGreaterThan(95);
  }

  @Test
  void jitterFor_distinctDevices_rarelyCollide() {
    Set<Duration> seen = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      seen.add(policy.jitterFor("d-" + i));
    }
    // 1,000 draws from 518,401 whole seconds collide about once on average.
    assertThat(seen.size()).isGreaterThan(990);
  }

  @Test
  void expiresAt_isCheckPlusThirtyDaysPlusJitter() {
    Instant checkedAt = Instant.parse("2025-06-01T00:00:00Z");

    Instant expiresAt = policy.expiresAt("d-phone", checkedAt);

    assertThat(expiresAt)
        .isEqualTo(checkedAt.plus(Duration.ofDays(30)).plus(policy.jitterFor("d-phone")));
    assertThat(expiresAt)
        .isBetween(checkedAt.plus(Duration.ofDays(27)), checkedAt.plus(Duration.ofDays(33)));
  }

  @Test
  void expiresAt_zeroJitterLimit_isExactlyThePeriod() {
    LicenceExpiryPolicy noJitter =
        new LicenceExpiryPolicy(
            OfflineFixture.SECRET, OfflineLimits.builder().maxExpiryJitter(Duration.ZERO).build());
    Instant checkedAt = Instant.parse("2025-06-01T00:00:00Z");

    assertThat(noJitter.expiresAt("d-phone", checkedAt))
        .isEqualTo(checkedAt.plus(Duration.ofDays(30)));
  }

  @Test
  void constructor_shortSecret_isRejected() {
    assertThatThrownBy(() -> new LicenceExpiryPolicy(new byte[16], OfflineLimits.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 32 bytes: 16");
  }

  @Test
  void limits_jitterNotShorterThanPeriod_isRejected() {
    assertThatThrownBy(
            () ->
                OfflineLimits.builder()
                    .licencePeriod(Duration.ofDays(2))
                    .maxExpiryJitter(Duration.ofDays(3))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxExpiryJitter must be shorter than licencePeriod");
  }

  @Test
  void loadOrCreateSecret_missingFile_createsOnce(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("keys/expiry-secret");

    byte[] created = LicenceExpiryPolicy.loadOrCreateSecret(file);
    byte[] reread = LicenceExpiryPolicy.loadOrCreateSecret(file);

    assertThat(created).hasSize(LicenceExpiryPolicy.MIN_SECRET_BYTES);
    assertThat(reread).isEqualTo(created);
    assertThat(Files.readAllBytes(file)).isEqualTo(created);
  }

  @Test
  void loadOrCreateSecret_truncatedFile_failsWithPath(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("expiry-secret");
    Files.write(file, new byte[10]);

    assertThatThrownBy(() -> LicenceExpiryPolicy.loadOrCreateSecret(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("10 bytes");
  }
}
