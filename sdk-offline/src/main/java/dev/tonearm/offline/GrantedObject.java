package dev.tonearm.offline;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One track's downloadable object from a download authorisation: where to fetch it and how to
 * verify it. Immutable; build with {@link #builder(String)}.
 *
 * <p>The download manager checks every field before it writes a byte and fails the track with
 * {@link OfflineException.Reason#INVALID_GRANT} when one is malformed.
 */
public final class GrantedObject {
  private final String trackId;
  private final String renditionId;
  private final String keyId;
  private final List<String> urls;
  private final long sizeBytes;
  private final int chunkSizeBytes;
  private final List<String> chunkSha256;
  private final byte[] manifest;

  private GrantedObject(Builder builder) {
    this.trackId = builder.trackId;
    this.renditionId = builder.renditionId;
    this.keyId = builder.keyId;
    this.urls = Collections.unmodifiableList(new ArrayList<>(builder.urls));
    this.sizeBytes = builder.sizeBytes;
    this.chunkSizeBytes = builder.chunkSizeBytes;
    this.chunkSha256 = Collections.unmodifiableList(new ArrayList<>(builder.chunkSha256));
    this.manifest = builder.manifest == null ? null : builder.manifest.clone();
  }

  public static Builder builder(String trackId) {
    return new Builder(trackId);
  }

  public String trackId() {
    return trackId;
  }

  /** Returns the rendition, for example {@code vorbis-160}, which names the codec. */
  public String renditionId() {
    return renditionId;
  }

  /** Returns the id of the content key that decrypts the object. */
  public String keyId() {
    return keyId;
  }

  /** Returns the object's URL on each CDN edge, preferred first. */
  public List<String> urls() {
    return urls;
  }

  public long sizeBytes() {
    return sizeBytes;
  }

  /** Returns the size of every chunk except possibly the last. */
  public int chunkSizeBytes() {
    return chunkSizeBytes;
  }

  /** Returns the lower-case hex SHA-256 of each chunk, over the bytes as served. */
  public List<String> chunkSha256() {
    return chunkSha256;
  }

  /**
   * Returns the track manifest to keep with the download for playback without network, or null when
   * the authorisation carried none.
   */
  public byte[] manifest() {
    return manifest == null ? null : manifest.clone();
  }

  /** Builder for {@link GrantedObject}. */
  public static final class Builder {
    private final String trackId;
    private String renditionId = "";
    private String keyId = "";
    private List<String> urls = Collections.emptyList();
    private long sizeBytes;
    private int chunkSizeBytes;
    private List<String> chunkSha256 = Collections.emptyList();
    private byte[] manifest;

    private Builder(String trackId) {
      if (trackId == null) {
        throw new NullPointerException("trackId");
      }
      this.trackId = trackId;
    }

    public Builder renditionId(String value) {
      this.renditionId = requireNonNull(value, "renditionId");
      return this;
    }

    public Builder keyId(String value) {
      this.keyId = requireNonNull(value, "keyId");
      return this;
    }

    public Builder urls(List<String> value) {
      this.urls = requireNonNull(value, "urls");
      return this;
    }

    public Builder sizeBytes(long value) {
      this.sizeBytes = value;
      return this;
    }

    public Builder chunkSizeBytes(int value) {
      this.chunkSizeBytes = value;
      return this;
    }

    public Builder chunkSha256(List<String> value) {
      this.chunkSha256 = requireNonNull(value, "chunkSha256");
      return this;
    }

    /** Sets the track manifest kept for offline playback. Default none. */
    public Builder manifest(byte[] value) {
      this.manifest = value == null ? null : value.clone();
      return this;
    }

    public GrantedObject build() {
      return new GrantedObject(this);
    }

    private static <T> T requireNonNull(T value, String name) {
      if (value == null) {
        throw new NullPointerException(name);
      }
      return value;
    }
  }
}
