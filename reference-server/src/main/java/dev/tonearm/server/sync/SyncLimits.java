package dev.tonearm.server.sync;

import dev.tonearm.sync.protocol.SyncProtocol;
import java.time.Duration;
import java.util.Objects;

/**
 * Bounds the sync service enforces on clients and storage. Immutable; build with {@link
 * #builder()}.
 */
public final class SyncLimits {
  /** Default maximum number of visible entries in a playlist. */
  public static final int DEFAULT_MAX_ENTRIES = 10_000;

  /** Default maximum number of operations stored for a playlist. */
  public static final int DEFAULT_MAX_OPS_PER_PLAYLIST = 1_000_000;

  /** Default maximum length of a track id, in characters. */
  public static final int DEFAULT_MAX_TRACK_ID_LENGTH = 128;

  /** Default maximum length of a playlist name, in characters. */
  public static final int DEFAULT_MAX_NAME_LENGTH = 200;

  /** Default maximum bytes queued for a slow connection before it is closed: 4 MiB. */
  public static final int DEFAULT_MAX_PENDING_OUTBOUND_BYTES = 4 << 20;

  /** Default retention of a soft-deleted playlist before it is purged. */
  public static final Duration DEFAULT_DELETED_RETENTION = Duration.ofDays(30);

  /** Default number of stored records after which a playlist file is compacted. */
  public static final int DEFAULT_COMPACTION_RECORDS = 1_000;

  private final int maxOpsPerMessage;
  private final int maxOpsPerRequest;
  private final int maxMessageBytes;
  private final int maxEntries;
  private final int maxOpsPerPlaylist;
  private final int maxTrackIdLength;
  private final int maxNameLength;
  private final int maxPendingOutboundBytes;
  private final Duration deletedRetention;
  private final int compactionRecords;

  private SyncLimits(Builder builder) {
    this.maxOpsPerMessage = builder.maxOpsPerMessage;
    this.maxOpsPerRequest = builder.maxOpsPerRequest;
    this.maxMessageBytes = builder.maxMessageBytes;
    this.maxEntries = builder.maxEntries;
    this.maxOpsPerPlaylist = builder.maxOpsPerPlaylist;
    this.maxTrackIdLength = builder.maxTrackIdLength;
    this.maxNameLength = builder.maxNameLength;
    this.maxPendingOutboundBytes = builder.maxPendingOutboundBytes;
    this.deletedRetention = builder.deletedRetention;
    this.compactionRecords = builder.compactionRecords;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Returns the limits with every default. */
  public static SyncLimits defaults() {
    return builder().build();
  }

  public int maxOpsPerMessage() {
    return maxOpsPerMessage;
  }

  public int maxOpsPerRequest() {
    return maxOpsPerRequest;
  }

  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  public int maxEntries() {
    return maxEntries;
  }

  public int maxOpsPerPlaylist() {
    return maxOpsPerPlaylist;
  }

  public int maxTrackIdLength() {
    return maxTrackIdLength;
  }

  public int maxNameLength() {
    return maxNameLength;
  }

  public int maxPendingOutboundBytes() {
    return maxPendingOutboundBytes;
  }

  public Duration deletedRetention() {
    return deletedRetention;
  }

  public int compactionRecords() {
    return compactionRecords;
  }

  /** Builder of {@link SyncLimits}; every setter documents its default. */
  public static final class Builder {
    private int maxOpsPerMessage = SyncProtocol.DEFAULT_MAX_OPS_PER_MESSAGE;
    private int maxOpsPerRequest = SyncProtocol.DEFAULT_MAX_OPS_PER_REQUEST;
    private int maxMessageBytes = SyncProtocol.DEFAULT_MAX_MESSAGE_BYTES;
    private int maxEntries = DEFAULT_MAX_ENTRIES;
    private int maxOpsPerPlaylist = DEFAULT_MAX_OPS_PER_PLAYLIST;
    private int maxTrackIdLength = DEFAULT_MAX_TRACK_ID_LENGTH;
    private int maxNameLength = DEFAULT_MAX_NAME_LENGTH;
    private int maxPendingOutboundBytes = DEFAULT_MAX_PENDING_OUTBOUND_BYTES;
    private Duration deletedRetention = DEFAULT_DELETED_RETENTION;
    private int compactionRecords = DEFAULT_COMPACTION_RECORDS;

    private Builder() {}

    /** Operations per message; default {@value SyncProtocol#DEFAULT_MAX_OPS_PER_MESSAGE}. */
    public Builder maxOpsPerMessage(int value) {
      this.maxOpsPerMessage = positive("maxOpsPerMessage", value);
      return this;
    }

    /**
     * Operations per request, which may span several messages; default {@value
     * SyncProtocol#DEFAULT_MAX_OPS_PER_REQUEST}.
     */
    public Builder maxOpsPerRequest(int value) {
      this.maxOpsPerRequest = positive("maxOpsPerRequest", value);
      return this;
    }

    /** Bytes per WebSocket message; default {@value SyncProtocol#DEFAULT_MAX_MESSAGE_BYTES}. */
    public Builder maxMessageBytes(int value) {
      this.maxMessageBytes = positive("maxMessageBytes", value);
      return this;
    }

    /** Visible entries per playlist; default {@value #DEFAULT_MAX_ENTRIES}. */
    public Builder maxEntries(int value) {
      this.maxEntries = positive("maxEntries", value);
      return this;
    }

    /** Stored operations per playlist; default {@value #DEFAULT_MAX_OPS_PER_PLAYLIST}. */
    public Builder maxOpsPerPlaylist(int value) {
      this.maxOpsPerPlaylist = positive("maxOpsPerPlaylist", value);
      return this;
    }

    /** Characters per track id; default {@value #DEFAULT_MAX_TRACK_ID_LENGTH}. */
    public Builder maxTrackIdLength(int value) {
      this.maxTrackIdLength = positive("maxTrackIdLength", value);
      return this;
    }

    /** Characters per playlist name; default {@value #DEFAULT_MAX_NAME_LENGTH}. */
    public Builder maxNameLength(int value) {
      this.maxNameLength = positive("maxNameLength", value);
      return this;
    }

    /**
     * Outbound bytes queued for one connection before it is closed as too slow; default {@value
     * #DEFAULT_MAX_PENDING_OUTBOUND_BYTES}.
     */
    public Builder maxPendingOutboundBytes(int value) {
      this.maxPendingOutboundBytes = positive("maxPendingOutboundBytes", value);
      return this;
    }

    /** Time a soft-deleted playlist is kept; default 30 days. */
    public Builder deletedRetention(Duration value) {
      Objects.requireNonNull(value, "deletedRetention");
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("deletedRetention must be > 0: " + value);
      }
      this.deletedRetention = value;
      return this;
    }

    /**
     * Records in a playlist file after which it is rewritten as one snapshot; default {@value
     * #DEFAULT_COMPACTION_RECORDS}.
     */
    public Builder compactionRecords(int value) {
      this.compactionRecords = positive("compactionRecords", value);
      return this;
    }

    public SyncLimits build() {
      return new SyncLimits(this);
    }

    private static int positive(String name, int value) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + " must be > 0: " + value);
      }
      return value;
    }
  }
}
