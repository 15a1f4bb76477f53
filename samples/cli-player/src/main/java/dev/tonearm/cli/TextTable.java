package dev.tonearm.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain-text table with a header row and left-aligned columns separated by two spaces. Cells
 * longer than {@link #MAX_CELL_CHARS} are cut and end with "...". Not thread-safe.
 */
final class TextTable {
  /** Maximum characters of one cell, so that a long title does not push later columns away. */
  static final int MAX_CELL_CHARS = 40;

  private static final String ELLIPSIS = "...";

  private final String[] header;
  private final List<String[]> rows = new ArrayList<>();

  TextTable(String... header) {
    this.header = header.clone();
  }

  /** Adds a row. A null cell prints as "-". */
  void addRow(String... cells) {
    if (cells.length != header.length) {
      throw new IllegalArgumentException(
          "row has " + cells.length + " cells, expected " + header.length);
    }
    String[] row = new String[cells.length];
    for (int i = 0; i < cells.length; i++) {
      row[i] = cut(cells[i] == null ? "-" : cells[i]);
    }
    rows.add(row);
  }

  void print(PrintWriter out) {
    int[] widths = new int[header.length];
    for (int i = 0; i < header.length; i++) {
      widths[i] = header[i].length();
    }
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    printRow(out, header, widths);
    for (String[] row : rows) {
      printRow(out, row, widths);
    }
    out.flush();
  }

  private static void printRow(PrintWriter out, String[] cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      line.append(cells[i]);
      if (i < cells.length - 1) {
        line.append(" ".repeat(widths[i] - cells[i].length() + 2));
      }
    }
    out.println(line);
  }

  private static String cut(String cell) {
    if (cell.length() <= MAX_CELL_CHARS) {
      return cell;
    }
    return cell.substring(0, MAX_CELL_CHARS - ELLIPSIS.length()) + ELLIPSIS;
  }
}
