package dev.tonearm.core.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One entry of a rendition's seek index: decoding from {@link #byteOffset()} (the start of an Ogg
 * page or FLAC frame) yields a first complete sample at or before {@link #frame()}. Immutable.
 */
public final class SeekPoint {
  private final long frame;
  private final long byteOffset;

  @JsonCreator
  public SeekPoint(
      @JsonProperty("frame") long frame, @JsonProperty("byteOffset") long byteOffset) {
    this.frame = frame;
    this.byteOffset = byteOffset;
  }

  public long frame() {
    return frame;
  }

  public long byteOffset() {
    return byteOffset;
  }

  @Override
  public String toString() {
    return "frame " + frame + " @ byte " + byteOffset;
  }
}
