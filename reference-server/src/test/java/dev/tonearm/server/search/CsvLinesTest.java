package dev.tonearm.server.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CsvLinesTest {
  @Test
  void split_quotedComma_staysInField() {
    assertThat(CsvLines.split("1,\"Hello, Goodbye\",\"Beatles, The\",x"))
        .containsExactly("1", "Hello, Goodbye", "Beatles, The", "x");
  }

  @Test
  void split_doubledQuote_isLiteralQuote() {
    assertThat(CsvLines.split("\"say \"\"hi\"\", then\",2"))
        .containsExactly("say \"hi\", then", "2");
  }

  @Test
  void split_strayQuoteInsideQuotedField_isKept() {
    assertThat(CsvLines.split("\"Lala Song (Matesi DJ \"Silverstatix\"remix\",0"))
        .containsExactly("Lala Song (Matesi DJ \"Silverstatix\"remix", "0");
  }

  @Test
  void split_emptyFields_areKept() {
    assertThat(CsvLines.split(",\"\",,x,")).containsExactly("", "", "", "x", "");
  }
}
