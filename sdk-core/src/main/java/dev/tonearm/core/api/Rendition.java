package dev.tonearm.core.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One encoding of a track that the edges serve as a single object, split into chunks for
 * verification. Immutable.
 *
 * <p>Chunk {@code i} covers bytes {@code [i * chunkSizeBytes, min((i + 1) * chunkSizeBytes,
 * sizeBytes))}, and {@code chunkSha256().get(i)} is the lower-case hex SHA-256 of those bytes as
 * served. The constructor only checks that required fields are present, and {@code
 * dev.tonearm.core.source.RenditionValidator} checks consistency before a rendition is streamed.
 */
public final class Rendition {
  /** Codec name of Vorbis renditions. */
  public static final String CODEC_VORBIS = "vorbis";

  /** Codec name of FLAC renditions. */
  public static final String CODEC_FLAC = "flac";

  private final String id;
  private final String codec;
  private final int bitrateKbps;
  private final String container;
  private final long sampleRateHz;
  private final int channels;
  private final long totalFrames;
  private final long sizeBytes;
  private final int chunkSizeBytes;
  private final List<String> chunkSha256;
  private final Encryption encryption;
  private final String objectPath;
  private final List<SeekPoint> seekIndex;

  /** Creates a rendition. The id, codec, sizes and object path are required. */
  @JsonCreator
  public Rendition(
      @JsonProperty("id") String id,
      @JsonProperty("codec") String codec,
      @JsonProperty("bitrateKbps") int bitrateKbps,
      @JsonProperty("container") String container,
      @JsonProperty("sampleRateHz") long sampleRateHz,
      @JsonProperty("channels") int channels,
      @JsonProperty("totalFrames") long totalFrames,
      @JsonProperty("sizeBytes") Long sizeBytes,
      @JsonProperty("chunkSizeBytes") Integer chunkSizeBytes,
      @JsonProperty("chunkSha256") List<String> chunkSha256,
      @JsonProperty("encryption") Encryption encryption,
      @JsonProperty("objectPath") String objectPath,
      @JsonProperty("seekIndex") List<SeekPoint> seekIndex) {
    this.id = Models.requireText(id, "renditions[].id");
    this.codec = Models.requireText(codec, "renditions[].codec");
    this.bitrateKbps = bitrateKbps;
    this.container = container;
    this.sampleRateHz = sampleRateHz;
    this.channels = channels;
    this.totalFrames = totalFrames;
    this.sizeBytes = Models.requirePresent(sizeBytes, "renditions[].sizeBytes");
    this.chunkSizeBytes = Models.requirePresent(chunkSizeBytes, "renditions[].chunkSizeBytes");
    this.chunkSha256 = Models.copyOf(chunkSha256, "renditions[].chunkSha256");
    this.encryption = encryption;
    this.objectPath = Models.requireText(objectPath, "renditions[].objectPath");
    this.seekIndex = Models.copyOf(seekIndex, "renditions[].seekIndex");
  }

  /** Rendition id, unique within the track, such as {@code vorbis-160}. */
  public String id() {
    return id;
  }

  /** {@link #CODEC_VORBIS} or {@link #CODEC_FLAC}. */
  public String codec() {
    return codec;
  }

  /** Nominal (Vorbis) or average (FLAC) bitrate in kbit/s. */
  public int bitrateKbps() {
    return bitrateKbps;
  }

  /** Container name, such as {@code ogg} or {@code flac}. */
  public String container() {
    return container;
  }

  public long sampleRateHz() {
    return sampleRateHz;
  }

  public int channels() {
    return channels;
  }

  /** Frames of decoded audio, or 0 when the manifest omits the count. */
  public long totalFrames() {
    return totalFrames;
  }

  /** Size of the object in bytes. */
  public long sizeBytes() {
    return sizeBytes;
  }

  /** Size of every chunk except possibly the last, in bytes. */
  public int chunkSizeBytes() {
    return chunkSizeBytes;
  }

  /** Lower-case hex SHA-256 of each chunk, as an unmodifiable list. */
  public List<String> chunkSha256() {
    return chunkSha256;
  }

  /** Encryption of the object, or null for plain bytes. */
  public Encryption encryption() {
    return encryption;
  }

  /** Path that follows an edge base URL to form the object URL, starting with {@code /}. */
  public String objectPath() {
    return objectPath;
  }

  /** Seek points in increasing frame order, about one per 10 s. Unmodifiable and may be empty. */
  public List<SeekPoint> seekIndex() {
    return seekIndex;
  }

  /** Number of chunks: ceil(sizeBytes / chunkSizeBytes). Requires a positive chunk size. */
  public int chunkCount() {
    return (int) ((sizeBytes + chunkSizeBytes - 1) / chunkSizeBytes);
  }

  /** Offset of the first byte of chunk {@code index}. */
  public long chunkStartBytes(int index) {
    return (long) index * chunkSizeBytes;
  }

  /** Length of chunk {@code index} in bytes. Only the last chunk can be shorter. */
  public int chunkLengthBytes(int index) {
    return (int) Math.min(chunkSizeBytes, sizeBytes - chunkStartBytes(index));
  }

  /** Returns whether this is a lossless (FLAC) rendition. */
  public boolean isLossless() {
    return CODEC_FLAC.equals(codec);
  }

  @Override
  public String toString() {
    return "Rendition{" + id + ", " + codec + " " + bitrateKbps + " kbps, " + sizeBytes + " B}";
  }
}
