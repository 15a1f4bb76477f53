package dev.tonearm.server.cdn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ByteRangeTest {
  private static final String ETAG = "\"abc\"";

  @ParameterizedTest(name = "{0} of 1000 -> {1} {2}-{3}")
  @CsvSource(
      delimiter = '|',
      nullValues = "NULL",
      value = {
        "NULL | FULL | 0 | 999",
        "bytes=0-0 | PARTIAL | 0 | 0",
        "bytes=999-999 | PARTIAL | 999 | 999",
        "bytes=999- | PARTIAL | 999 | 999",
        "bytes=10-20 | PARTIAL | 10 | 20",
        "bytes=10-99999 | PARTIAL | 10 | 999",
        "bytes=0- | PARTIAL | 0 | 999",
        "bytes=-1 | PARTIAL | 999 | 999",
        "bytes=-1000 | PARTIAL | 0 | 999",
        "bytes=-5000 | PARTIAL | 0 | 999",
        "BYTES=1-2 | PARTIAL | 1 | 2",
        "bytes= 1-2  | PARTIAL | 1 | 2",
        "bytes=1000- | UNSATISFIABLE | 0 | -1",
        "bytes=1000-2000 | UNSATISFIABLE | 0 | -1",
        "bytes=-0 | UNSATISFIABLE | 0 | -1",
        "bytes=99999999999999999999999- | UNSATISFIABLE | 0 | -1",
        "bytes=0-99999999999999999999999 | PARTIAL | 0 | 999",
        "bytes=5-2 | FULL | 0 | 999",
        "bytes=a-b | FULL | 0 | 999",
        "bytes=- | FULL | 0 | 999",
        "bytes= | FULL | 0 | 999",
        "bytes=1-2-3 | FULL | 0 | 999",
        "bytes=+1-2 | FULL | 0 | 999",
        "items=0-1 | FULL | 0 | 999",
        "bytes=0-1,3-4 | FULL | 0 | 999",
        "bytes=5000-,0-1 | FULL | 0 | 999"
      })
  void evaluate_followsSingleRangeRules(
      String header, ByteRange.Kind kind, long start, long endInclusive) {
    ByteRange range = ByteRange.evaluate(header, null, 1000, ETAG);

    assertThat(range.kind()).isEqualTo(kind);
    assertThat(range.start()).isEqualTo(start);
    assertThat(range.endInclusive()).isEqualTo(endInclusive);
  }

  @ParameterizedTest
  @CsvSource({"'\"abc\"', PARTIAL", "'\"other\"', FULL", "'Wed, 21 Oct 2015 07:28:00 GMT', FULL"})
  void ifRange_mismatch_returnsFull(String ifRange, ByteRange.Kind kind) {
    assertThat(ByteRange.evaluate("bytes=0-1", ifRange, 1000, ETAG).kind()).isEqualTo(kind);
  }

  @ParameterizedTest
  @CsvSource({"bytes=0-0", "bytes=-1", "bytes=0-"})
  void emptyObject_anyRange_isUnsatisfiable(String header) {
    assertThat(ByteRange.evaluate(header, null, 0, ETAG).kind())
        .isEqualTo(ByteRange.Kind.UNSATISFIABLE);
  }
}
