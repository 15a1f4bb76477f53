package dev.tonearm.server.search;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits one CSV line into fields with RFC 4180 quoting, read leniently. Inside a quoted field, a
 * quote ends the field only when a comma or the end of the line follows it. A doubled quote is one
 * literal quote, and any other quote is kept as text. The Million Song Dataset CSV needs the last
 * rule, because some titles contain unescaped quotes ({@code "Lala Song (Matesi DJ
 * "Silverstatix"remix"}). Fields never span lines. Stateless.
 */
final class CsvLines {
  private CsvLines() {}

  static List<String> split(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    int n = line.length();
    while (true) {
      field.setLength(0);
      if (i < n && line.charAt(i) == '"') {
        i++;
        while (i < n) {
          char c = line.charAt(i);
          if (c == '"') {
            boolean atEnd = i + 1 == n || line.charAt(i + 1) == ',';
            if (atEnd) {
              i++;
              break;
            }
            if (line.charAt(i + 1) == '"') {
              field.append('"');
              i += 2;
              continue;
            }
          }
          field.append(c);
          i++;
        }
      } else {
        while (i < n && line.charAt(i) != ',') {
          field.append(line.charAt(i++));
        }
      }
      fields.add(field.toString());
      if (i >= n) {
        return fields;
      }
      // Skip the comma after the field.
      i++;
    }
  }
}
