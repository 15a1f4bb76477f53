package dev.tonearm.server.ingest;

import dev.tonearm.server.DataDirectory;
import dev.tonearm.server.OwnerOnlyFiles;
import dev.tonearm.server.catalog.CatalogRepository;
import dev.tonearm.server.catalog.Rendition;
import dev.tonearm.server.catalog.Track;
import dev.tonearm.server.drm.ContentEncryptor;
import dev.tonearm.server.drm.ContentKey;
import dev.tonearm.server.drm.DrmServiceException;
import dev.tonearm.server.drm.EncryptedObject;
import dev.tonearm.server.drm.KeyManagementService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a delivered audio file into a catalog track with renditions on the origin store.
 *
 * <p>Steps: hash the file (the track id is derived from it, so the same file is ingested once),
 * probe the headers, check the limits in {@link IngestLimits}, decode to PCM, measure length,
 * loudness and clipping, encode the renditions in parallel, index each rendition, encrypt it and
 * digest the ciphertext. All of this happens in a work folder under {@code tmp/}, together with a
 * copy of the source. Only an accepted track is moved into place: its encrypted files to {@code
 * objects/TRACK_ID/}, the source copy to {@code sources/TRACK_ID/}, and then the track record is
 * saved, so a crash never leaves a record without its objects. A rejected or failed ingest deletes
 * its work folder, anything it moved into place and its content key, leaving the data directory as
 * it was. Work folders of a process that died mid-ingest are deleted by {@link
 * #deleteStaleWorkDirectories()}.
 *
 * <p>Encryption: each new track gets one content key (CEK) from the {@link KeyManagementService},
 * which stores it wrapped under its master key. Every rendition object of the track is encrypted
 * with that CEK in AES-256-CTR by {@link ContentEncryptor}, with a random IV per object. Seek
 * indexes are built from the plaintext, and their byte offsets hold for the ciphertext. The chunk
 * digests and the whole-object SHA-256 (the edges' ETag) cover the ciphertext. A rejected file
 * leaves no key behind.
 *
 * <p>Renditions: Vorbis at each bitrate of the ladder when {@code oggenc} exists, plus FLAC when
 * the source is lossless and {@code flac} exists. A bitrate that libvorbis cannot reach for the
 * source format is skipped with a warning. Without any encoder, a Vorbis or FLAC source is served
 * as delivered, as the only rendition; a WAV source is rejected. Vorbis above {@link
 * #FREE_TIER_MAX_KBPS} and FLAC are premium-only unless they are the only rendition.
 *
 * <p>Thread-safe: concurrent calls for different files are allowed. Call {@link #close()} to stop
 * the encoder threads.
 */
public final class IngestService implements AutoCloseable {
  /** Default chunk size of renditions: 256 KiB. */
  public static final int DEFAULT_CHUNK_SIZE_BYTES = 256 * 1024;

  /** Default Vorbis bitrate ladder. */
  public static final List<Integer> DEFAULT_VORBIS_LADDER_KBPS = List.of(24, 96, 160, 320);

  /** Highest Vorbis bitrate that free accounts may stream. */
  public static final int FREE_TIER_MAX_KBPS = 160;

  private static final Logger log = LoggerFactory.getLogger(IngestService.class);

  private final DataDirectory dataDirectory;
  private final CatalogRepository catalog;
  private final KeyManagementService keys;
  private final ContentEncryptor encryptor;
  private final Clock clock;
  private final AudioProbe probe;
  private final PcmDecoder decoder;
  private final ToolEncoders encoders;
  private final PcmAnalyzer analyzer = new PcmAnalyzer();
  private final int chunkSizeBytes;
  private final List<Integer> vorbisLadderKbps;
  private final long seekIntervalMs;
  private final ExecutorService encodeExecutor;

  private IngestService(Builder builder) {
    this.dataDirectory = Objects.requireNonNull(builder.dataDirectory, "dataDirectory");
    this.catalog = Objects.requireNonNull(builder.catalog, "catalog");
    this.keys = Objects.requireNonNull(builder.keys, "keyManagementService");
    this.encryptor = builder.encryptor != null ? builder.encryptor : new ContentEncryptor();
    this.clock = builder.clock;
    ExternalTools tools = builder.tools;
    this.probe = builder.probe != null ? builder.probe : new SniffingAudioProbe();
    this.decoder = builder.decoder != null ? builder.decoder : new SdkPcmDecoder();
    this.encoders = new ToolEncoders(tools);
    this.chunkSizeBytes = builder.chunkSizeBytes;
    this.vorbisLadderKbps = List.copyOf(builder.vorbisLadderKbps);
    this.seekIntervalMs = builder.seekIntervalMs;
    this.encodeExecutor =
        Executors.newFixedThreadPool(
            builder.encodeThreads,
            runnable -> {
              Thread thread = new Thread(runnable, "ingest-encode");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Creates a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Ingests {@code file}.
   *
   * @param fallbackTags tags used where the file has none ({@code TITLE}, {@code ARTIST}, {@code
   *     ALBUM}, {@code GENRE}); the title falls back to the file name last
   * @throws IngestException with the reason the file was rejected
   */
  public IngestResult ingest(Path file, Map<String, String> fallbackTags)
      throws IngestException, IOException {
    long startNanos = System.nanoTime();
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IngestException(
          IngestException.Reason.UNREADABLE, "not a readable regular file: " + file);
    }
    String trackId = "t-" + ChunkDigests.sha256Of(file).substring(0, 12);
    Optional<Track> existing = catalog.track(trackId);
    if (existing.isPresent()) {
      log.info("{} is already in the catalog as {}", file.getFileName(), trackId);
      return new IngestResult(existing.get(), true, List.of(), elapsedMs(startNanos));
    }
    // On POSIX file systems the JDK creates temporary directories rwx------.
    Path workDir = Files.createTempDirectory(dataDirectory.tmpDir(), "ingest-");
    IngestResult result;
    try {
      result = ingestNew(file, trackId, fallbackTags, workDir, startNanos);
    } catch (IngestException | IOException | RuntimeException e) {
      deleteQuietly(workDir, e);
      throw e;
    }
    deleteQuietly(workDir, null);
    log.info(
        "ingested {} as {} with {} renditions in {} ms",
        file.getFileName(),
        trackId,
        result.track().renditions().size(),
        result.elapsedMs());
    return result;
  }

  /**
   * Deletes the work folders that earlier ingests left in {@code tmp/} when their process ended
   * before they could clean up. Call it only while no ingest runs on this data directory, such as
   * right after taking the data directory lock.
   *
   * @return the number of folders deleted
   */
  public int deleteStaleWorkDirectories() throws IOException {
    int deleted = 0;
    try (Stream<Path> entries = Files.list(dataDirectory.tmpDir())) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        if (entry.getFileName().toString().startsWith("ingest-")) {
          deleteRecursively(entry);
          deleted++;
        }
      }
    }
    if (deleted > 0) {
      log.info(
          "deleted {} work folders that interrupted ingests left in {}",
          deleted,
          dataDirectory.tmpDir());
    }
    return deleted;
  }

  private IngestResult ingestNew(
      Path file, String trackId, Map<String, String> fallbackTags, Path workDir, long startNanos)
      throws IngestException, IOException {
    ProbeResult probed = probe.probe(file);
    checkFormat(probed);
    if (probed.format() == SourceFormat.FLAC && probed.totalFrames() > 0) {
      long scanned = FlacSeekIndexBuilder.scannedLengthFrames(file);
      if (scanned < probed.totalFrames()) {
        throw new IngestException(
            IngestException.Reason.TRUNCATED,
            "FLAC frames end at sample " + scanned + " but STREAMINFO declares "
                + probed.totalFrames());
      }
    }
    // The length check waits for the decode because a damaged file's declared length is
    // meaningless. A stream whose setup header cannot be parsed is rejected as CORRUPT with the
    // decoder's reason, so TOO_SHORT is left for audio that decodes cleanly.
    Path wav = decoder.decodeToWav(file, probed, workDir);
    PcmAnalysis analysis = analyzer.analyze(wav);
    checkDuration(analysis.durationMs());
    List<String> warnings = new ArrayList<>();
    if (analysis.clippedRuns() > 0) {
      warnings.add(
          "CLIPPING: " + analysis.clippedRuns() + " runs of " + PcmAnalyzer.CLIP_RUN_SAMPLES
              + " or more full-scale samples");
    }
    Map<String, String> tags = resolveTags(file, probed, fallbackTags);
    Path renditionDir = OwnerOnlyFiles.createDirectories(workDir.resolve("renditions"));
    Path encryptedDir = OwnerOnlyFiles.createDirectories(workDir.resolve("encrypted"));
    Path stagedSourceDir = OwnerOnlyFiles.createDirectories(workDir.resolve("source"));
    OwnerOnlyFiles.copy(file, stagedSourceDir.resolve(file.getFileName().toString()));
    ContentKey contentKey = createContentKey(trackId);
    Path objectDir = dataDirectory.objectsDir().resolve(trackId);
    Path sourceDir = dataDirectory.sourcesDir().resolve(trackId);
    boolean accepted = false;
    try {
      List<Rendition> renditions =
          encodeRenditions(
              file, probed, wav, tags, renditionDir, workDir, warnings, contentKey, encryptedDir);
      Track track =
          new Track(
              trackId,
              tags.get("TITLE"),
              tags.get("ARTIST"),
              tags.get("ALBUM"),
              tags.get("GENRE"),
              analysis.durationMs(),
              analysis.loudness(),
              renditions,
              probed.format().id(),
              file.getFileName().toString(),
              warnings,
              clock.millis());
      // A saved record makes ingest() return early, so files under this track id are leftovers
      // of an ingest that died before saving its record. They are replaced.
      deleteRecursively(objectDir);
      deleteRecursively(sourceDir);
      Files.move(encryptedDir, objectDir, StandardCopyOption.ATOMIC_MOVE);
      Files.move(stagedSourceDir, sourceDir, StandardCopyOption.ATOMIC_MOVE);
      catalog.saveTrack(track);
      accepted = true;
      for (String warning : warnings) {
        log.warn("{} ({}): {}", trackId, file.getFileName(), warning);
      }
      return new IngestResult(track, false, warnings, elapsedMs(startNanos));
    } finally {
      contentKey.close();
      if (!accepted) {
        deleteQuietly(objectDir, null);
        deleteQuietly(sourceDir, null);
        deleteContentKey(contentKey.keyId());
      }
    }
  }

  private static void checkFormat(ProbeResult probed) throws IngestException {
    if (probed.sampleRateHz() < IngestLimits.MIN_SAMPLE_RATE_HZ
        || probed.sampleRateHz() > IngestLimits.MAX_SAMPLE_RATE_HZ) {
      throw new IngestException(
          IngestException.Reason.UNSUPPORTED_SAMPLE_RATE,
          "sample rate " + probed.sampleRateHz() + " Hz is outside "
              + IngestLimits.MIN_SAMPLE_RATE_HZ + " to " + IngestLimits.MAX_SAMPLE_RATE_HZ + " Hz");
    }
    if (probed.channels() > IngestLimits.MAX_CHANNELS) {
      throw new IngestException(
          IngestException.Reason.UNSUPPORTED_CHANNELS,
          probed.channels() + " channels; the catalog accepts mono and stereo only");
    }
  }

  private static void checkDuration(long durationMs) throws IngestException {
    if (durationMs < IngestLimits.MIN_DURATION_MS) {
      throw new IngestException(
          IngestException.Reason.TOO_SHORT,
          "audio lasts " + durationMs + " ms; the minimum is " + IngestLimits.MIN_DURATION_MS
              + " ms");
    }
  }

  private List<Rendition> encodeRenditions(
      Path source,
      ProbeResult probed,
      Path wav,
      Map<String, String> tags,
      Path renditionDir,
      Path workDir,
      List<String> warnings,
      ContentKey contentKey,
      Path encryptedDir)
      throws IngestException, IOException {
    Map<String, Future<Path>> jobs = new LinkedHashMap<>();
    AtomicBoolean aborted = new AtomicBoolean();
    if (encoders.canEncodeVorbis()) {
      for (int kbps : vorbisLadderKbps) {
        Path out = renditionDir.resolve("vorbis-" + kbps + ".ogg");
        jobs.put(
            "vorbis-" + kbps,
            encodeExecutor.submit(
                () -> {
                  if (!aborted.get()) {
                    encoders.encodeVorbis(wav, probed.sampleRateHz(), kbps, tags, out, workDir);
                  }
                  return out;
                }));
      }
    }
    if (probed.format().lossless() && encoders.canEncodeFlac()) {
      Path out = renditionDir.resolve("flac.flac");
      jobs.put(
          "flac",
          encodeExecutor.submit(
              () -> {
                if (!aborted.get()) {
                  encoders.encodeFlac(wav, tags, out, workDir);
                }
                return out;
              }));
    }
    List<Rendition> renditions = new ArrayList<>();
    try {
      for (Map.Entry<String, Future<Path>> job : jobs.entrySet()) {
        Optional<Path> encoded = await(job.getKey(), job.getValue(), warnings);
        if (encoded.isPresent()) {
          renditions.add(
              describe(job.getKey(), encoded.get(), jobs.size() > 1, contentKey, encryptedDir));
        }
      }
    } catch (IngestException | IOException | RuntimeException e) {
      // Encoders still running would write into the work folder while the caller deletes it.
      aborted.set(true);
      awaitQuietly(jobs.values());
      throw e;
    }
    if (renditions.isEmpty()) {
      Path original = copyOriginal(source, probed, renditionDir);
      renditions.add(describe(renditionId(original), original, false, contentKey, encryptedDir));
    }
    renditions.sort(
        Comparator.comparing((Rendition r) -> r.codec().equals("flac"))
            .thenComparingInt(Rendition::bitrateKbps));
    return renditions;
  }

  private Optional<Path> await(String renditionId, Future<Path> job, List<String> warnings)
      throws IngestException, IOException {
    try {
      return Optional.of(job.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while encoding " + renditionId, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IngestException failure
          && failure.reason() == IngestException.Reason.TOOL_FAILED) {
        warnings.add("RENDITION_SKIPPED: " + renditionId + ": " + failure.getMessage());
        return Optional.empty();
      }
      if (cause instanceof IngestException failure) {
        throw failure;
      }
      if (cause instanceof IOException failure) {
        throw failure;
      }
      throw new IllegalStateException("encoding " + renditionId + " failed", cause);
    }
  }

  /** Waits until every job has finished, whatever its outcome. */
  private static void awaitQuietly(Iterable<Future<Path>> jobs) {
    boolean interrupted = false;
    for (Future<Path> job : jobs) {
      while (true) {
        try {
          job.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException | CancellationException e) {
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Copies a Vorbis or FLAC source as its own rendition and returns the file, named by its id. */
  private Path copyOriginal(Path source, ProbeResult probed, Path renditionDir)
      throws IngestException, IOException {
    if (probed.format() == SourceFormat.WAV) {
      throw new IngestException(
          IngestException.Reason.TOOL_UNAVAILABLE,
          "WAV sources need oggenc or flac on the PATH to make a rendition");
    }
    boolean vorbis = probed.format() == SourceFormat.OGG_VORBIS;
    String extension = vorbis ? "ogg" : "flac";
    Path copy = renditionDir.resolve("original." + extension);
    OwnerOnlyFiles.copy(source, copy);
    String id;
    if (vorbis) {
      int kbps = probed.nominalBitrateKbps() > 0 ? probed.nominalBitrateKbps() : 0;
      id = "vorbis-" + (kbps > 0 ? kbps : averageKbps(copy, probed));
    } else {
      id = "flac";
    }
    Path named = renditionDir.resolve(id + "." + extension);
    Files.move(copy, named);
    return named;
  }

  private static String renditionId(Path file) {
    String name = file.getFileName().toString();
    return name.substring(0, name.lastIndexOf('.'));
  }

  private ContentKey createContentKey(String trackId) throws IOException {
    try {
      return keys.createContentKey();
    } catch (DrmServiceException e) {
      throw new IOException("cannot create the content key of " + trackId + ": " + e, e);
    }
  }

  private void deleteContentKey(String keyId) {
    try {
      keys.deleteContentKey(keyId);
    } catch (DrmServiceException e) {
      log.warn("cannot delete the unused content key {}: {}", keyId, e.getMessage());
    }
  }

  private static long averageKbps(Path file, ProbeResult probed) throws IOException {
    double seconds = (double) Math.max(1, probed.totalFrames()) / probed.sampleRateHz();
    return Math.round(Files.size(file) * 8 / seconds / 1000);
  }

  /**
   * Indexes the plain rendition {@code file}, encrypts it into {@code encryptedDir} under its
   * object file name and returns the rendition that describes the encrypted object.
   */
  private Rendition describe(
      String id, Path file, boolean hasAlternatives, ContentKey contentKey, Path encryptedDir)
      throws IngestException, IOException {
    boolean flac = id.equals("flac");
    SeekIndexBuilder indexer = flac ? new FlacSeekIndexBuilder() : new OggSeekIndexBuilder();
    EncodedLayout layout = indexer.build(file, seekIntervalMs);
    String container = flac ? "flac" : "ogg";
    Path target = encryptedDir.resolve(id + "." + container + Rendition.ENCRYPTED_SUFFIX);
    EncryptedObject encrypted = encryptor.encrypt(file, target, contentKey, chunkSizeBytes);
    int bitrateKbps;
    if (flac) {
      double seconds = (double) layout.totalFrames() / layout.sampleRateHz();
      bitrateKbps = (int) Math.round(encrypted.sizeBytes() * 8 / seconds / 1000);
    } else {
      bitrateKbps = Integer.parseInt(id.substring("vorbis-".length()));
    }
    boolean premiumOnly = hasAlternatives && (flac || bitrateKbps > FREE_TIER_MAX_KBPS);
    return new Rendition(
        id,
        flac ? "flac" : "vorbis",
        bitrateKbps,
        container,
        layout.sampleRateHz(),
        layout.channels(),
        layout.totalFrames(),
        encrypted.sizeBytes(),
        chunkSizeBytes,
        encrypted.chunkSha256(),
        encrypted.sha256(),
        encrypted.encryption(),
        premiumOnly,
        layout.seekIndex());
  }

  private static Map<String, String> resolveTags(
      Path file, ProbeResult probed, Map<String, String> fallbackTags) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (String key : List.of("TITLE", "ARTIST", "ALBUM", "GENRE")) {
      String value = probed.tags().get(key);
      if (value == null || value.isBlank()) {
        value = fallbackTags.get(key);
      }
      if (value == null || value.isBlank()) {
        value = key.equals("TITLE") ? baseName(file) : "";
      }
      tags.put(key, value.trim());
    }
    return Collections.unmodifiableMap(tags);
  }

  private static String baseName(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  private static long elapsedMs(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  /**
   * Deletes {@code dir} and logs a failure. When {@code primary} is set, the failure is also added
   * to it as suppressed, so the caller still sees why the ingest failed first.
   */
  private static void deleteQuietly(Path dir, Exception primary) {
    try {
      deleteRecursively(dir);
    } catch (IOException e) {
      log.warn(
          "cannot delete {}, so it stays until the next start deletes stale work folders", dir, e);
      if (primary != null) {
        primary.addSuppressed(e);
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              path -> {
                try {
                  Files.delete(path);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Override
  public void close() {
    encodeExecutor.shutdownNow();
  }

  /** Configures an {@link IngestService}. Not thread-safe. */
  public static final class Builder {
    private DataDirectory dataDirectory;
    private CatalogRepository catalog;
    private KeyManagementService keys;
    private ContentEncryptor encryptor;
    private Clock clock = Clock.systemUTC();
    private ExternalTools tools = ExternalTools.fromEnvironment();
    private AudioProbe probe;
    private PcmDecoder decoder;
    private int chunkSizeBytes = DEFAULT_CHUNK_SIZE_BYTES;
    private List<Integer> vorbisLadderKbps = DEFAULT_VORBIS_LADDER_KBPS;
    private long seekIntervalMs = SeekIndexBuilder.DEFAULT_INTERVAL_MS;
    private int encodeThreads = Runtime.getRuntime().availableProcessors();

    private Builder() {}

    /** Data directory whose {@code objects/}, {@code sources/} and {@code tmp/} are used. */
    public Builder dataDirectory(DataDirectory dataDirectory) {
      this.dataDirectory = dataDirectory;
      return this;
    }

    /** Catalog that receives the tracks. */
    public Builder catalog(CatalogRepository catalog) {
      this.catalog = catalog;
      return this;
    }

    /** Key management service that creates and stores each track's content key; required. */
    public Builder keyManagementService(KeyManagementService keys) {
      this.keys = keys;
      return this;
    }

    /** Encryptor of rendition objects; default a new {@link ContentEncryptor}. */
    public Builder contentEncryptor(ContentEncryptor encryptor) {
      this.encryptor = encryptor;
      return this;
    }

    /** Clock for {@link Track#addedAtEpochMs()}; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Sets where to find oggdec, oggenc and flac; default the process's {@code PATH}. */
    public Builder tools(ExternalTools tools) {
      this.tools = Objects.requireNonNull(tools, "tools");
      return this;
    }

    /** Header reader; default {@link SniffingAudioProbe}. */
    public Builder probe(AudioProbe probe) {
      this.probe = probe;
      return this;
    }

    /** PCM decoder; default {@link SdkPcmDecoder}. */
    public Builder decoder(PcmDecoder decoder) {
      this.decoder = decoder;
      return this;
    }

    /** Rendition chunk size; default {@link #DEFAULT_CHUNK_SIZE_BYTES}. */
    public Builder chunkSizeBytes(int chunkSizeBytes) {
      if (chunkSizeBytes < 1024) {
        throw new IllegalArgumentException("chunkSizeBytes must be >= 1024: " + chunkSizeBytes);
      }
      this.chunkSizeBytes = chunkSizeBytes;
      return this;
    }

    /** Vorbis bitrates to encode; default {@link #DEFAULT_VORBIS_LADDER_KBPS}. */
    public Builder vorbisLadderKbps(List<Integer> vorbisLadderKbps) {
      for (int kbps : vorbisLadderKbps) {
        if (kbps < 8 || kbps > 500) {
          throw new IllegalArgumentException("Vorbis bitrate must be in [8, 500] kbps: " + kbps);
        }
      }
      this.vorbisLadderKbps = List.copyOf(vorbisLadderKbps);
      return this;
    }

    /** Spacing of seek points; default {@link SeekIndexBuilder#DEFAULT_INTERVAL_MS}. */
    public Builder seekIntervalMs(long seekIntervalMs) {
      if (seekIntervalMs <= 0) {
        throw new IllegalArgumentException("seekIntervalMs must be > 0: " + seekIntervalMs);
      }
      this.seekIntervalMs = seekIntervalMs;
      return this;
    }

    /** Parallel encoder processes; default the number of processors. */
    public Builder encodeThreads(int encodeThreads) {
      if (encodeThreads < 1) {
        throw new IllegalArgumentException("encodeThreads must be >= 1: " + encodeThreads);
      }
      this.encodeThreads = encodeThreads;
      return this;
    }

    public IngestService build() {
      return new IngestService(this);
    }
  }
}
