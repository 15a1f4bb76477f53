package dev.tonearm.server.search;

import dev.tonearm.testing.Corpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The 10,000 rows of the Million Song Dataset subset in the test corpus ({@code
 * catalog/msd-subset-10k-SongCSV.csv}, test fixture only). Loading skips the calling test when
 * the corpus is absent.
 */
final class MsdCatalog {
  static final String PATH = "catalog/msd-subset-10k-SongCSV.csv";
  static final int COLUMNS = 21;

  /** One song; {@code fieldCount} is the number of fields that its line split into. */
  record Song(String songNumber, String title, String artist, String album, int fieldCount) {}

  private MsdCatalog() {}

  static List<Song> load() throws IOException {
    Path file = Corpus.require(PATH);
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<String> header = CsvLines.split(lines.get(0));
    int number = header.indexOf("SongNumber");
    int title = header.indexOf("Title");
    int artist = header.indexOf("ArtistName");
    int album = header.indexOf("AlbumName");
    List<Song> songs = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.isEmpty()) {
        continue;
      }
      List<String> fields = CsvLines.split(line);
      songs.add(
          new Song(
              fields.get(number),
              fields.get(title),
              fields.get(artist),
              fields.get(album),
              fields.size()));
    }
    return songs;
  }
}
