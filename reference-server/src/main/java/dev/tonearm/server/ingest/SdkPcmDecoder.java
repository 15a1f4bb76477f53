package dev.tonearm.server.ingest;

import dev.tonearm.core.decode.Decoder;
import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.Decoders;
import dev.tonearm.core.decode.FileByteSource;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.sink.WavFileSink;
import dev.tonearm.server.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The default {@link PcmDecoder}: decodes Ogg Vorbis and FLAC with the SDK's own decoders, the same
 * code that plays the result on devices, and passes PCM WAV through. Stateless and thread-safe.
 */
public final class SdkPcmDecoder implements PcmDecoder {
  @Override
  public Path decodeToWav(Path source, ProbeResult probe, Path workDir)
      throws IngestException, IOException {
    if (probe.format() == SourceFormat.WAV) {
      return source;
    }
    Path wav = workDir.resolve("decoded.wav");
    try (Decoder decoder = Decoders.open(new FileByteSource(source));
        WavFileSink sink =
            WavFileSink.builder(wav)
                .formatChangePolicy(WavFileSink.FormatChangePolicy.REJECT)
                .build()) {
      PcmBuffer buffer = new PcmBuffer();
      sink.open(decoder.format());
      int frames;
      while ((frames = decoder.read(buffer)) > 0) {
        if (!buffer.format.equals(decoder.format()) || buffer.link != 0) {
          throw new IngestException(
              IngestException.Reason.UNSUPPORTED_FORMAT,
              "the format changes inside the file (chained stream): " + buffer.format);
        }
        sink.write(buffer.samples, frames);
      }
      // A player may conceal damage, but the catalog must not publish it: any problem that the
      // decoder recovered from (a CRC failure filled with silence, junk, a cut) rejects the file.
      for (DecoderException warning : decoder.warnings()) {
        if (warning.reason() == DecoderException.Reason.TRUNCATED) {
          throw new IngestException(
              IngestException.Reason.TRUNCATED, "audio ends early: " + warning.getMessage());
        }
        throw new IngestException(
            IngestException.Reason.CORRUPT,
            "audio is damaged (" + warning.reason() + "): " + warning.getMessage());
      }
      sink.drain();
    } catch (DecoderException e) {
      IngestException.Reason reason =
          e.reason() == DecoderException.Reason.TRUNCATED
              ? IngestException.Reason.TRUNCATED
              : IngestException.Reason.CORRUPT;
      throw new IngestException(reason, "audio cannot be decoded: " + e.getMessage(), e);
    }
    OwnerOnlyFiles.restrictFile(wav);
    return wav;
  }
}
