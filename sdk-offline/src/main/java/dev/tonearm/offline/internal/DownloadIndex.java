package dev.tonearm.offline.internal;

import dev.tonearm.offline.CheckpointObserver;
import dev.tonearm.offline.DownloadState;
import dev.tonearm.offline.LicenceTerms;
import dev.tonearm.offline.OfflineException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The crash-safe download index: every track's state and authorisation, the device licence, the
 * subscription lock, releases still owed to the server and the user's quota.
 *
 * <p>Every change is first appended to the journal (forced to disk) and only then applied in
 * memory, through the same {@code apply} method that replays the journal on open. So the state in
 * memory is always a state the disk can reproduce, and a change that returned survives a crash.
 * {@link DownloadState#DOWNLOADING} and the downloaded byte count are the exceptions: they live in
 * memory only, and a replayed download is {@link DownloadState#QUEUED}.
 *
 * <p>Record payloads start with an op byte; strings are modified UTF-8 with a length prefix as
 * written by {@link DataOutputStream#writeUTF}. The journal is compacted into a snapshot when it
 * holds more than {@value #COMPACT_MIN_RECORDS} records and twice as many records as tracks.
 *
 * <p>Not thread-safe: the offline lock guards the index and its entries.
 */
public final class DownloadIndex implements Closeable {
  static final int COMPACT_MIN_RECORDS = 4096;

  private static final byte OP_REQUEST = 1;
  private static final byte OP_GRANT = 2;
  private static final byte OP_STATE = 3;
  private static final byte OP_REMOVE = 4;
  private static final byte OP_LICENCE = 5;
  private static final byte OP_LOCK = 6;
  private static final byte OP_WIPE_KEYS = 7;
  private static final byte OP_RELEASE_PENDING = 8;
  private static final byte OP_RELEASE_DONE = 9;
  private static final byte OP_QUOTA = 10;

  private final Map<String, IndexEntry> entries = new LinkedHashMap<>();
  private final Set<String> pendingReleases = new LinkedHashSet<>();
  private LicenceTerms licence;
  private OfflineException.Reason lockReason;
  private long quotaBytes = -1;
  private IndexJournal journal;

  private DownloadIndex() {}

  /**
   * Opens the index in {@code directory}, replaying its files.
   *
   * @throws OfflineException with INDEX_CORRUPT when the files are damaged beyond a torn tail
   */
  public static DownloadIndex open(Path directory, CheckpointObserver checkpoints)
      throws IOException {
    DownloadIndex index = new DownloadIndex();
    index.journal = IndexJournal.open(directory, index::apply, checkpoints);
    return index;
  }

  public IndexEntry entry(String trackId) {
    return entries.get(trackId);
  }

  /** Returns the entries in request order. The view changes with the index. */
  public Collection<IndexEntry> entries() {
    return Collections.unmodifiableCollection(entries.values());
  }

  /** Returns the device licence, or null before the first key delivery. */
  public LicenceTerms licence() {
    return licence;
  }

  /** Returns why offline tracks are locked, or null when they are not. */
  public OfflineException.Reason lockReason() {
    return lockReason;
  }

  public Set<String> pendingReleases() {
    return Collections.unmodifiableSet(pendingReleases);
  }

  /** Returns the user's quota, or -1 if the user never set one. */
  public long quotaBytes() {
    return quotaBytes;
  }

  /** Adds a track in REQUESTED, replacing a FAILED entry of the same track. */
  public void request(String trackId, long requestedAtMs) throws IOException {
    append(trackId, requestRecord(trackId, requestedAtMs));
  }

  /** Adds tracks in REQUESTED with one forced write; see {@link #request}. */
  public void requestAll(List<String> trackIds, long requestedAtMs) throws IOException {
    List<byte[]> records = new ArrayList<>(trackIds.size());
    for (String trackId : trackIds) {
      records.add(requestRecord(trackId, requestedAtMs));
    }
    appendAll(records);
  }

  /** Stores the track's authorisation; a REQUESTED track becomes QUEUED. */
  public void grant(Grant grant) throws IOException {
    append(grant.trackId(), grantRecord(grant));
  }

  /** Stores authorisations with one forced write; see {@link #grant}. */
  public void grantAll(List<Grant> grants) throws IOException {
    List<byte[]> records = new ArrayList<>(grants.size());
    for (Grant grant : grants) {
      records.add(grantRecord(grant));
    }
    appendAll(records);
  }

  /**
   * Sets a track's state. {@link DownloadState#DOWNLOADING} changes memory only, because a download
   * does not survive a restart.
   */
  public void setState(String trackId, DownloadState state, OfflineException.Reason reason)
      throws IOException {
    if (state == DownloadState.DOWNLOADING) {
      IndexEntry entry = entries.get(trackId);
      if (entry != null) {
        entry.setState(state, null);
      }
      return;
    }
    append(trackId, stateRecord(trackId, state, reason));
  }

  public void remove(String trackId) throws IOException {
    append(trackId, trackRecord(OP_REMOVE, trackId));
  }

  public void setLicence(LicenceTerms terms) throws IOException {
    append(null, licenceRecord(terms));
  }

  /** Locks every offline track for {@code reason}, or unlocks them when it is null. */
  public void setLock(OfflineException.Reason reason) throws IOException {
    append(null, lockRecord(reason));
  }

  /** Moves every AVAILABLE track to DOWNLOADED, before their keys are removed. */
  public void wipeKeys() throws IOException {
    append(null, new byte[] {OP_WIPE_KEYS});
  }

  public void addPendingRelease(String trackId) throws IOException {
    append(trackId, trackRecord(OP_RELEASE_PENDING, trackId));
  }

  public void removePendingRelease(String trackId) throws IOException {
    append(trackId, trackRecord(OP_RELEASE_DONE, trackId));
  }

  public void setQuotaBytes(long bytes) throws IOException {
    append(null, quotaRecord(bytes));
  }

  /** Writes a snapshot now instead of waiting for the journal to grow. */
  public void compact() throws IOException {
    List<byte[]> records = new ArrayList<>(entries.size() * 3 + pendingReleases.size() + 3);
    for (IndexEntry entry : entries.values()) {
      records.add(requestRecord(entry.trackId(), entry.requestedAtMs()));
      if (entry.grant() != null) {
        records.add(grantRecord(entry.grant()));
      }
      DownloadState state =
          entry.state() == DownloadState.DOWNLOADING ? DownloadState.QUEUED : entry.state();
      records.add(stateRecord(entry.trackId(), state, entry.failureReason()));
    }
    if (licence != null) {
      records.add(licenceRecord(licence));
    }
    if (lockReason != null) {
      records.add(lockRecord(lockReason));
    }
    for (String trackId : pendingReleases) {
      records.add(trackRecord(OP_RELEASE_PENDING, trackId));
    }
    if (quotaBytes >= 0) {
      records.add(quotaRecord(quotaBytes));
    }
    journal.compact(records);
  }

  /** Returns the number of journal records since the last snapshot, for tests. */
  int recordsSinceSnapshot() {
    return journal.recordsSinceSnapshot();
  }

  @Override
  public void close() throws IOException {
    journal.close();
  }

  private void append(String trackId, byte[] record) throws IOException {
    journal.append(record, trackId);
    apply(record);
    compactIfLarge();
  }

  private void appendAll(List<byte[]> records) throws IOException {
    if (records.isEmpty()) {
      return;
    }
    journal.appendAll(records, null);
    for (byte[] record : records) {
      apply(record);
    }
    compactIfLarge();
  }

  private void compactIfLarge() throws IOException {
    int threshold = Math.max(COMPACT_MIN_RECORDS, 2 * entries.size());
    if (journal.recordsSinceSnapshot() >= threshold) {
      compact();
    }
  }

  private static DataOutputStream recordStream(ByteArrayOutputStream bytes, byte op)
      throws IOException {
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeByte(op);
    return out;
  }

  private static byte[] requestRecord(String trackId, long requestedAtMs) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = recordStream(bytes, OP_REQUEST);
    out.writeUTF(trackId);
    out.writeLong(requestedAtMs);
    return bytes.toByteArray();
  }

  private static byte[] grantRecord(Grant grant) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + 32 * grant.chunkCount());
    DataOutputStream out = recordStream(bytes, OP_GRANT);
    out.writeUTF(grant.trackId());
    out.writeUTF(grant.renditionId());
    out.writeUTF(grant.keyId());
    out.writeInt(grant.urls().size());
    for (String url : grant.urls()) {
      out.writeUTF(url);
    }
    out.writeLong(grant.sizeBytes());
    out.writeInt(grant.chunkSizeBytes());
    out.writeInt(grant.chunkCount());
    for (int i = 0; i < grant.chunkCount(); i++) {
      out.write(grant.chunkSha256(i));
    }
    out.writeBoolean(grant.hasManifest());
    return bytes.toByteArray();
  }

  private static byte[] stateRecord(
      String trackId, DownloadState state, OfflineException.Reason reason) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = recordStream(bytes, OP_STATE);
    out.writeUTF(trackId);
    out.writeByte(stateCode(state));
    out.writeUTF(reason == null ? "" : reason.name());
    return bytes.toByteArray();
  }

  private static byte[] trackRecord(byte op, String trackId) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    recordStream(bytes, op).writeUTF(trackId);
    return bytes.toByteArray();
  }

  private static byte[] licenceRecord(LicenceTerms terms) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = recordStream(bytes, OP_LICENCE);
    out.writeLong(terms.checkedAtMs());
    out.writeLong(terms.expiresAtMs());
    return bytes.toByteArray();
  }

  private static byte[] lockRecord(OfflineException.Reason reason) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    recordStream(bytes, OP_LOCK).writeUTF(reason == null ? "" : reason.name());
    return bytes.toByteArray();
  }

  private static byte[] quotaRecord(long quotaBytes) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    recordStream(bytes, OP_QUOTA).writeLong(quotaBytes);
    return bytes.toByteArray();
  }

  /** Applies one record; shared by replay and live changes so both give the same state. */
  private void apply(byte[] payload) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
    byte op = in.readByte();
    switch (op) {
      case OP_REQUEST:
        {
          String trackId = in.readUTF();
          long requestedAtMs = in.readLong();
          entries.remove(trackId);
          entries.put(trackId, new IndexEntry(trackId, requestedAtMs));
          break;
        }
      case OP_GRANT:
        applyGrant(in);
        break;
      case OP_STATE:
        {
          String trackId = in.readUTF();
          DownloadState state = stateForCode(in.readByte());
          String reasonName = in.readUTF();
          IndexEntry entry = entries.get(trackId);
          if (entry != null) {
            entry.setState(state, reasonName.isEmpty() ? null : reasonForName(reasonName));
          }
          break;
        }
      case OP_REMOVE:
        entries.remove(in.readUTF());
        break;
      case OP_LICENCE:
        licence = new LicenceTerms(in.readLong(), in.readLong());
        break;
      case OP_LOCK:
        {
          String reasonName = in.readUTF();
          lockReason = reasonName.isEmpty() ? null : reasonForName(reasonName);
          break;
        }
      case OP_WIPE_KEYS:
        for (IndexEntry entry : entries.values()) {
          if (entry.state() == DownloadState.AVAILABLE) {
            entry.setState(DownloadState.DOWNLOADED, null);
          }
        }
        break;
      case OP_RELEASE_PENDING:
        pendingReleases.add(in.readUTF());
        break;
      case OP_RELEASE_DONE:
        pendingReleases.remove(in.readUTF());
        break;
      case OP_QUOTA:
        quotaBytes = in.readLong();
        break;
      default:
        throw new IOException("unknown index record op " + op);
    }
  }

  private void applyGrant(DataInputStream in) throws IOException {
    String trackId = in.readUTF();
    String renditionId = in.readUTF();
    String keyId = in.readUTF();
    int urlCount = in.readInt();
    if (urlCount < 1 || urlCount > Grant.MAX_URLS) {
      throw new IOException("invalid url count " + urlCount);
    }
    List<String> urls = new ArrayList<>(urlCount);
    for (int i = 0; i < urlCount; i++) {
      urls.add(in.readUTF());
    }
    long sizeBytes = in.readLong();
    int chunkSizeBytes = in.readInt();
    int chunkCount = in.readInt();
    if (chunkSizeBytes <= 0 || chunkCount != (sizeBytes + chunkSizeBytes - 1) / chunkSizeBytes) {
      throw new IOException("invalid chunk layout " + sizeBytes + "/" + chunkSizeBytes);
    }
    byte[][] digests = new byte[chunkCount][];
    for (int i = 0; i < chunkCount; i++) {
      digests[i] = new byte[32];
      in.readFully(digests[i]);
    }
    boolean hasManifest = in.readBoolean();
    IndexEntry entry = entries.get(trackId);
    if (entry == null) {
      return;
    }
    entry.setGrant(
        new Grant(
            trackId, renditionId, keyId, urls, sizeBytes, chunkSizeBytes, digests, hasManifest));
    if (entry.state() == DownloadState.REQUESTED) {
      entry.setState(DownloadState.QUEUED, null);
    }
  }

  private static int stateCode(DownloadState state) {
    switch (state) {
      case REQUESTED:
        return 1;
      case QUEUED:
        return 2;
      case PAUSED:
        return 4;
      case DOWNLOADED:
        return 5;
      case AVAILABLE:
        return 6;
      case FAILED:
        return 7;
      default:
        throw new IllegalArgumentException("state is not persisted: " + state);
    }
  }

  private static DownloadState stateForCode(int code) throws IOException {
    switch (code) {
      case 1:
        return DownloadState.REQUESTED;
      case 2:
        return DownloadState.QUEUED;
      case 4:
        return DownloadState.PAUSED;
      case 5:
        return DownloadState.DOWNLOADED;
      case 6:
        return DownloadState.AVAILABLE;
      case 7:
        return DownloadState.FAILED;
      default:
        throw new IOException("unknown download state code " + code);
    }
  }

  private static OfflineException.Reason reasonForName(String name) {
    for (OfflineException.Reason reason : OfflineException.Reason.values()) {
      if (reason.name().equals(name)) {
        return reason;
      }
    }
    // A reason written by a newer version; keep the record usable.
    return OfflineException.Reason.SERVER_ERROR;
  }
}
