package dev.tonearm.server.ingest;

/** Container and codec of a delivered file, detected from its first bytes. */
public enum SourceFormat {
  OGG_VORBIS("ogg-vorbis", false),
  FLAC("flac", true),
  WAV("wav", true);

  private final String id;
  private final boolean lossless;

  SourceFormat(String id, boolean lossless) {
    this.id = id;
    this.lossless = lossless;
  }

  /** Name stored in the catalog: {@code ogg-vorbis}, {@code flac} or {@code wav}. */
  public String id() {
    return id;
  }

  /** Returns whether the audio is stored without lossy coding. */
  public boolean lossless() {
    return lossless;
  }
}
