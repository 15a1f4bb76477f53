package dev.tonearm.bench;

import dev.tonearm.core.api.Encryption;
import dev.tonearm.core.api.Manifest;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.decode.Decoder;
import dev.tonearm.core.decode.Decoders;
import dev.tonearm.core.decode.FileByteSource;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.core.sink.PcmMd5;
import dev.tonearm.server.ReferenceServer;
import dev.tonearm.server.drm.ContentKey;
import dev.tonearm.server.drm.DrmServiceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Reference PCM for a two-track queue: the first track's frame count and PCM MD5, and the second
 * track's first audible frames. It comes from decoding each track's rendition object directly with
 * the SDK decoder, with no player and no streaming, after decrypting the object with the track's
 * content key taken from the server and the JDK's AES-CTR, not the SDK's decryption. Immutable.
 *
 * @param format PCM format of both tracks
 * @param firstTrackFrames frames in the first track
 * @param firstTrackMd5 MD5 of the first track's PCM, as {@link PcmMd5} computes it
 * @param secondTrackHead interleaved samples of the second track's first {@code headFrames} frames
 *     that start with a non-zero sample
 * @param secondTrackHeadOffsetFrames index in the second track of the first frame of {@code
 *     secondTrackHead}
 */
record ReferencePcm(
    PcmFormat format,
    long firstTrackFrames,
    byte[] firstTrackMd5,
    int[] secondTrackHead,
    long secondTrackHeadOffsetFrames) {

  /**
   * Downloads both renditions from the manifests' first edge into {@code dir}, decrypts them with
   * keys from {@code server} and decodes them.
   *
   * @param headFrames frames of the second track to keep, from its first non-zero sample
   * @throws IOException when a download or a decode fails, or the formats differ
   */
  static ReferencePcm decode(
      ReferenceServer server,
      TonearmClient client,
      Manifest first,
      Rendition firstRendition,
      Manifest second,
      Rendition secondRendition,
      Path dir,
      int headFrames)
      throws IOException {
    Path firstFile = download(server, client, first, firstRendition, dir.resolve("first.object"));
    Path secondFile =
        download(server, client, second, secondRendition, dir.resolve("second.object"));

    PcmMd5 md5 = new PcmMd5();
    PcmFormat format = null;
    long firstFrames = 0;
    try (Decoder decoder = Decoders.open(firstRendition.codec(), new FileByteSource(firstFile))) {
      PcmBuffer buffer = new PcmBuffer();
      int frames;
      while ((frames = decoder.read(buffer)) > 0) {
        format = buffer.format;
        md5.update(buffer);
        firstFrames += frames;
      }
    }

    int[] head = null;
    int headFilled = 0;
    long headOffset = -1;
    long position = 0;
    try (Decoder decoder = Decoders.open(secondRendition.codec(), new FileByteSource(secondFile))) {
      PcmBuffer buffer = new PcmBuffer();
      int frames;
      while (headFilled < headFrames && (frames = decoder.read(buffer)) > 0) {
        if (!buffer.format.equals(format)) {
          throw new IOException("the tracks differ in format: " + format + " and " + buffer.format);
        }
        int channels = format.channels();
        int start = 0;
        if (head == null) {
          start = firstNonZeroFrame(buffer.samples, frames, channels);
          if (start < 0) {
            position += frames;
            continue;
          }
          head = new int[headFrames * channels];
          headOffset = position + start;
        }
        int take = Math.min(frames - start, headFrames - headFilled);
        System.arraycopy(
            buffer.samples, start * channels, head, headFilled * channels, take * channels);
        headFilled += take;
        position += frames;
      }
    }
    if (format == null || head == null || headFilled < headFrames) {
      throw new IOException("a demo track decoded to too few audible frames");
    }
    return new ReferencePcm(format, firstFrames, md5.digest(), head, headOffset);
  }

  private static int firstNonZeroFrame(int[] samples, int frames, int channels) {
    for (int i = 0; i < frames * channels; i++) {
      if (samples[i] != 0) {
        return i / channels;
      }
    }
    return -1;
  }

  /**
   * Fetches a rendition's whole object, as any HTTP client of the edge would, and writes it to
   * {@code file} decrypted when the rendition is encrypted.
   */
  private static Path download(
      ReferenceServer server,
      TonearmClient client,
      Manifest manifest,
      Rendition rendition,
      Path file)
      throws IOException {
    String url = manifest.edges().get(0) + rendition.objectPath();
    Request request = new Request.Builder().url(url).build();
    byte[] bytes;
    try (Response response = client.httpClient().newCall(request).execute()) {
      if (response.code() != 200) {
        throw new IOException("GET " + url + " returned HTTP " + response.code());
      }
      bytes = response.body().bytes();
    }
    Encryption encryption = rendition.encryption();
    if (encryption != null) {
      if (!Encryption.SCHEME_AES_256_CTR.equals(encryption.scheme())) {
        throw new IOException("unsupported encryption scheme: " + encryption.scheme());
      }
      try (ContentKey key = server.keyManagement().contentKey(encryption.keyId())) {
        Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
        cipher.init(
            Cipher.DECRYPT_MODE,
            new SecretKeySpec(key.keyBytes(), "AES"),
            new IvParameterSpec(HexFormat.of().parseHex(encryption.iv())));
        bytes = cipher.doFinal(bytes);
      } catch (DrmServiceException | GeneralSecurityException | RuntimeException e) {
        throw new IOException("decrypting rendition " + rendition.id() + " failed", e);
      }
    }
    Files.write(file, bytes);
    return file;
  }
}
