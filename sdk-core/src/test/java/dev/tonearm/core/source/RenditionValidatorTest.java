package dev.tonearm.core.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Encryption;
import dev.tonearm.core.api.Manifest;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.api.SeekPoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RenditionValidatorTest {
  private static final String DIGEST = "ab".repeat(32);

  @Test
  void consistentRendition_returnsObjectUrlPerEdge() throws Exception {
    Manifest manifest = manifest(Arrays.asList("http://127.0.0.1:41001", "http://127.0.0.1:41002/"),
        valid().build());

    HttpUrl[] urls = RenditionValidator.validate(manifest, manifest.renditions().get(0));

    assertThat(urls).extracting(HttpUrl::toString).containsExactly(
        "http://127.0.0.1:41001/objects/t-1a2b/vorbis-160",
        "http://127.0.0.1:41002/objects/t-1a2b/vorbis-160");
  }

  @Test
  void contractExamplePlaceholders_rejectedAsInvalid() {
    Rendition example =
        valid().digests(Arrays.asList("<64 hex>", "...")).build();
    Manifest manifest = manifest(Collections.singletonList("http://127.0.0.1:41001"), example);

    assertThatThrownBy(() -> RenditionValidator.validate(manifest, example))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_MANIFEST_INVALID);
              assertThat(e.getMessage()).contains("2 entries", "6 chunks");
            });
  }

  @Test
  void encryptedRendition_passesLikePlainOne() throws Exception {
    Rendition encrypted =
        valid().encryption(new Encryption("aes-256-ctr", "k-1", "00".repeat(16))).build();
    Manifest manifest = manifest(Collections.singletonList("http://127.0.0.1:41001"), encrypted);

    HttpUrl[] urls = RenditionValidator.validate(manifest, encrypted);

    assertThat(urls).hasSize(1);
  }

  static Stream<Arguments> invalidRenditions() {
    return Stream.of(
        Arguments.of("zero size", (UnaryOperator<Spec>) s -> s.size(0), "sizeBytes"),
        Arguments.of("tiny chunks", (UnaryOperator<Spec>) s -> s.chunk(512), "chunkSizeBytes"),
        Arguments.of(
            "huge chunks", (UnaryOperator<Spec>) s -> s.chunk(64 * 1024 * 1024), "chunkSizeBytes"),
        Arguments.of(
            "digest count",
            (UnaryOperator<Spec>) s -> s.digests(Collections.nCopies(5, DIGEST)),
            "5 entries"),
        Arguments.of(
            "upper-case digest",
            (UnaryOperator<Spec>) s -> s.digest(3, DIGEST.toUpperCase()),
            "chunkSha256[3]"),
        Arguments.of(
            "short digest", (UnaryOperator<Spec>) s -> s.digest(0, "abc"), "chunkSha256[0]"),
        Arguments.of(
            "seek offset past end",
            (UnaryOperator<Spec>) s -> s.seek(new SeekPoint(0, 0), new SeekPoint(10, 1436703)),
            "seekIndex"),
        Arguments.of(
            "seek frames descending",
            (UnaryOperator<Spec>)
                s -> s.seek(new SeekPoint(480000, 140000), new SeekPoint(0, 150000)),
            "seekIndex"),
        Arguments.of(
            "relative object path", (UnaryOperator<Spec>) s -> s.path("objects/x"), "objectPath"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidRenditions")
  void inconsistentRendition_rejectedWithReasonAndDetail(
      String name, UnaryOperator<Spec> change, String detail) {
    Rendition rendition = change.apply(valid()).build();
    Manifest manifest = manifest(Collections.singletonList("http://127.0.0.1:41001"), rendition);

    assertThatThrownBy(() -> RenditionValidator.validate(manifest, rendition))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(PlaybackException.ERROR_MANIFEST_INVALID);
              assertThat(e.getMessage()).contains(detail);
            });
  }

  @Test
  void noEdges_rejected() {
    Rendition rendition = valid().build();
    Manifest manifest = manifest(Collections.emptyList(), rendition);
    assertThatThrownBy(() -> RenditionValidator.validate(manifest, rendition))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> assertThat(e.getMessage()).contains("no edges"));
  }

  @Test
  void edgeNotHttp_rejected() {
    Rendition rendition = valid().build();
    Manifest manifest = manifest(Collections.singletonList("ftp://127.0.0.1:41001"), rendition);
    assertThatThrownBy(() -> RenditionValidator.validate(manifest, rendition))
        .isInstanceOfSatisfying(
            PlaybackException.class,
            e -> assertThat(e.getMessage()).contains("not an http or https URL"));
  }

  private static Manifest manifest(List<String> edges, Rendition rendition) {
    return new Manifest(
        "t-1a2b", "Apex Aleph", "Maxstack", "Singularity", "Electronic", 104463L, null, edges,
        Collections.singletonList(rendition));
  }

  private static Spec valid() {
    return new Spec();
  }

  /** A mutable description of the contract's example rendition, with valid digests. */
  static final class Spec {
    long size = 1436703;
    int chunk = 262144;
    List<String> digests = new ArrayList<>(Collections.nCopies(6, DIGEST));
    Encryption encryption;
    String path = "/objects/t-1a2b/vorbis-160";
    List<SeekPoint> seek =
        Arrays.asList(new SeekPoint(0, 0), new SeekPoint(480000, 140000));

    Spec size(long value) {
      size = value;
      return this;
    }

    Spec chunk(int value) {
      chunk = value;
      return this;
    }

    Spec digests(List<String> value) {
      digests = new ArrayList<>(value);
      return this;
    }

    Spec digest(int index, String value) {
      digests.set(index, value);
      return this;
    }

    Spec encryption(Encryption value) {
      encryption = value;
      return this;
    }

    Spec path(String value) {
      path = value;
      return this;
    }

    Spec seek(SeekPoint... points) {
      seek = Arrays.asList(points);
      return this;
    }

    Rendition build() {
      return new Rendition(
          "vorbis-160", "vorbis", 160, "ogg", 48000, 2, 5014240, size, chunk, digests, encryption,
          path, seek);
    }
  }
}
