package dev.tonearm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonearm.testing.Corpus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecodeCommandTest {
  /** Column of STREAMINFO's total sample count in the FLAC corpus manifest. */
  private static final int TOTAL_SAMPLES = 6;

  /** Column of STREAMINFO's MD5 in the FLAC corpus manifest. */
  private static final int STREAMINFO_MD5 = 9;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return TonearmCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  @Test
  void flacFile_printsStreamInfoMd5AndFrames() throws IOException {
    Path file = Corpus.require("flac-test-files/subset/01 - blocksize 4096.flac");
    String[] row = manifestRow("flac-test-files/MANIFEST.tsv", "subset/01 - blocksize 4096.flac");

    int exit = run("decode", file.toString(), "--json");

    assertThat(exit).as(err.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("codec").asText()).isEqualTo("flac");
    assertThat(json.get("channels").asInt()).isEqualTo(2);
    assertThat(json.get("sampleRate").asLong()).isEqualTo(44100);
    assertThat(json.get("bitsPerSample").asInt()).isEqualTo(16);
    assertThat(json.get("frames").asLong()).isEqualTo(Long.parseLong(row[TOTAL_SAMPLES]));
    assertThat(json.get("pcmMd5").asText()).isEqualTo(row[STREAMINFO_MD5]);
  }

  @Test
  void chainedVorbis_listsEachLink() throws IOException {
    Path file = Corpus.require("ogg-vorbis/xiph-test-vectors/chain-test3.ogg");

    int exit = run("decode", file.toString(), "--json");

    assertThat(exit).as(err.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("codec").asText()).isEqualTo("vorbis");
    assertThat(json.get("bitsPerSample").asInt()).isEqualTo(16);
    JsonNode links = json.get("links");
    assertThat(links).isNotNull();
    assertThat(links.size()).isEqualTo(2);
    assertThat(links.get(1).get("channels").asInt()).isEqualTo(1);
    assertThat(links.get(1).get("sampleRate").asLong()).isEqualTo(48000);
    assertThat(links.get(1).get("frames").asLong()).isEqualTo(515_234);
  }

  @Test
  void vorbisToWav_writesPlayableFile(@TempDir Path dir) throws IOException {
    Path file = Corpus.require("ogg-vorbis/libnogg/6ch-moving-sine.ogg");
    Path wav = dir.resolve("out.wav");

    int exit = run("decode", file.toString(), "--out", wav.toString(), "--json");

    assertThat(exit).as(err.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    long frames = json.get("frames").asLong();
    assertThat(frames).isEqualTo(3072);
    byte[] bytes = Files.readAllBytes(wav);
    assertThat(new String(bytes, 0, 4, "US-ASCII")).isEqualTo("RIFF");
    assertThat(new String(bytes, 8, 4, "US-ASCII")).isEqualTo("WAVE");
    assertThat(bytes.length).isGreaterThan((int) (frames * 6 * 2));
  }

  @Test
  void textFile_exitsOneWithReasonCode(@TempDir Path dir) throws IOException {
    Path bogus = dir.resolve("notes.ogg");
    Files.write(bogus, "these are not audio bytes, just text".getBytes("US-ASCII"));

    int exit = run("decode", bogus.toString(), "--json");

    assertThat(exit).isEqualTo(1);
    assertThat(out.toString()).isEmpty();
    String[] lines = err.toString().trim().split("\\R");
    assertThat(lines).hasSize(1);
    assertThat(lines[0]).startsWith("error: UNSUPPORTED_FORMAT: ");
  }

  @Test
  void maliciousSetupHeader_exitsOneWithReasonCode() {
    Path file = Corpus.require("ogg-vorbis/libnogg/floor1-x-array-overflow.ogg");

    int exit = run("decode", file.toString(), "--json");

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString().trim().split("\\R")).hasSize(1);
    assertThat(err.toString()).matches("(?s)error: [A-Z_]+: .+");
  }

  @Test
  void missingFile_exitsOne(@TempDir Path dir) {
    int exit = run("decode", dir.resolve("absent.flac").toString());

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).startsWith("error: FILE_NOT_FOUND: ");
  }

  @Test
  void outputSameAsInput_exitsTwoAndKeepsInput(@TempDir Path dir) throws IOException {
    Path input = dir.resolve("input.flac");
    Files.copy(Corpus.require("flac-test-files/subset/60 - mono audio.flac"), input);
    long sizeBefore = Files.size(input);

    int exit = run("decode", input.toString(), "--out", input.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(Files.size(input)).isEqualTo(sizeBefore);
  }

  @Test
  void directory_exitsOneAsNotRegularFile(@TempDir Path dir) {
    int exit = run("decode", dir.toString(), "--json");

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString()).startsWith("error: IO_ERROR: not a regular file: ");
  }

  @Test
  void missingArgument_exitsTwo() {
    int exit = run("decode");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).startsWith("error: USAGE: ");
  }

  @Test
  void unknownOption_exitsTwo() {
    int exit = run("decode", "x.flac", "--bogus");

    assertThat(exit).isEqualTo(2);
  }

  private static String[] manifestRow(String manifest, String path) throws IOException {
    for (String line : Files.readAllLines(Corpus.require(manifest))) {
      String[] fields = line.split("\t");
      if (fields[0].equals(path)) {
        return fields;
      }
    }
    throw new AssertionError("no manifest row for " + path);
  }
}
