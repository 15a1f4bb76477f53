package dev.tonearm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonearm.core.decode.Decoder;
import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.Decoders;
import dev.tonearm.core.decode.FileByteSource;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.core.sink.PcmMd5;
import dev.tonearm.core.sink.WavFileSink;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Decodes one Ogg Vorbis or FLAC file and reports its format, frame count and PCM MD5.
 *
 * <p>The MD5 covers interleaved signed little-endian PCM with ceil(bits / 8) bytes per sample, at
 * the stream's own bit depth (16 bits for Vorbis), over every chained link in order. For FLAC it
 * equals the STREAMINFO MD5 of a correctly decoded file.
 */
@Command(
    name = "decode",
    mixinStandardHelpOptions = true,
    description = "Decode an Ogg Vorbis or FLAC file; optionally write it as WAV.")
final class DecodeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "Ogg Vorbis or FLAC file to decode.")
  Path file;

  @Option(
      names = "--out",
      paramLabel = "OUT.wav",
      description = "Write the decoded PCM to this WAV file.")
  Path out;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    if (out != null && Files.exists(out) && Files.isSameFile(out, file)) {
      throw new ParameterException(
          spec.commandLine(), "--out must not be the input file: " + out);
    }
    if (out != null) {
      FolderChecks.requireWritableFile(spec, "--out", out);
    }
    try {
      Result result = decode();
      if (json) {
        stdout.println(result.toJson());
      } else {
        stdout.println(result.toText());
      }
      stdout.flush();
      return 0;
    } catch (DecoderException e) {
      stderr.println("error: " + e.reason() + ": " + e.getMessage());
      return TonearmCli.EXIT_FAILURE;
    } catch (NoSuchFileException e) {
      stderr.println("error: FILE_NOT_FOUND: no such file: " + e.getFile());
      return TonearmCli.EXIT_FAILURE;
    } catch (IOException e) {
      stderr.println("error: IO_ERROR: " + e.getMessage());
      return TonearmCli.EXIT_FAILURE;
    } finally {
      stderr.flush();
    }
  }

  private Result decode() throws IOException {
    if (!Files.exists(file)) {
      throw new NoSuchFileException(file.toString());
    }
    if (!Files.isRegularFile(file)) {
      throw new DecoderException(
          DecoderException.Reason.IO_ERROR, "not a regular file: " + file);
    }
    Result result = new Result();
    PcmMd5 md5 = new PcmMd5();
    try (Decoder decoder = Decoders.open(new FileByteSource(file));
        WavFileSink sink = out == null ? null : WavFileSink.builder(out).build()) {
      result.codec = decoder.codec();
      PcmBuffer buffer = new PcmBuffer();
      PcmFormat openFormat = null;
      Link link = null;
      int frames;
      while ((frames = decoder.read(buffer)) > 0) {
        if (link == null || link.index != buffer.link || !link.format.equals(buffer.format)) {
          link = new Link(buffer.link, buffer.format);
          result.links.add(link);
        }
        link.frames += frames;
        md5.update(buffer.samples, frames * buffer.format.channels(), buffer.format.bitsPerSample());
        if (sink != null) {
          if (!buffer.format.equals(openFormat)) {
            if (openFormat != null) {
              sink.drain();
            }
            sink.open(buffer.format);
            openFormat = buffer.format;
          }
          sink.write(buffer.samples, frames);
        }
      }
      if (result.links.isEmpty()) {
        result.links.add(new Link(0, decoder.format()));
      }
      for (DecoderException warning : decoder.warnings()) {
        result.warnings.add(warning.reason() + ": " + warning.getMessage());
      }
      if (sink != null) {
        sink.drain();
        for (Path written : sink.files()) {
          result.wavFiles.add(written.toString());
        }
      }
    }
    result.pcmMd5 = md5.hexDigest();
    return result;
  }

  /** Frames of one chained link, or of a stretch of one link with a single format. */
  private static final class Link {
    final int index;
    final PcmFormat format;
    long frames;

    Link(int index, PcmFormat format) {
      this.index = index;
      this.format = format;
    }
  }

  private static final class Result {
    String codec;
    String pcmMd5;
    final List<Link> links = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    final List<String> wavFiles = new ArrayList<>();

    long totalFrames() {
      long total = 0;
      for (Link link : links) {
        total += link.frames;
      }
      return total;
    }

    String toJson() throws IOException {
      ObjectMapper mapper = new ObjectMapper();
      PcmFormat first = links.get(0).format;
      ObjectNode root = mapper.createObjectNode();
      root.put("codec", codec);
      root.put("channels", first.channels());
      root.put("sampleRate", first.sampleRateHz());
      root.put("bitsPerSample", first.bitsPerSample());
      root.put("frames", totalFrames());
      root.put("pcmMd5", pcmMd5);
      if (links.size() > 1) {
        ArrayNode linkArray = root.putArray("links");
        for (Link link : links) {
          ObjectNode node = linkArray.addObject();
          node.put("link", link.index);
          node.put("channels", link.format.channels());
          node.put("sampleRate", link.format.sampleRateHz());
          node.put("bitsPerSample", link.format.bitsPerSample());
          node.put("frames", link.frames);
        }
      }
      if (!wavFiles.isEmpty()) {
        ArrayNode fileArray = root.putArray("wavFiles");
        wavFiles.forEach(fileArray::add);
      }
      if (!warnings.isEmpty()) {
        ArrayNode warningArray = root.putArray("warnings");
        warnings.forEach(warningArray::add);
      }
      return mapper.writeValueAsString(root);
    }

    String toText() {
      StringBuilder text = new StringBuilder();
      text.append(codec).append(": ").append(totalFrames()).append(" frames, pcm md5 ")
          .append(pcmMd5);
      for (Link link : links) {
        text.append(System.lineSeparator())
            .append("  link ").append(link.index).append(": ").append(link.format)
            .append(", ").append(link.frames).append(" frames");
      }
      for (String wavFile : wavFiles) {
        text.append(System.lineSeparator()).append("  wrote ").append(wavFile);
      }
      for (String warning : warnings) {
        text.append(System.lineSeparator()).append("  warning: ").append(warning);
      }
      return text.toString();
    }
  }
}
