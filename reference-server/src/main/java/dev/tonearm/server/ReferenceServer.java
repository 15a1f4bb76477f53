package dev.tonearm.server;

import dev.tonearm.server.api.AdminIngestRoutes;
import dev.tonearm.server.api.ApiDispatcher;
import dev.tonearm.server.api.ApiHandler;
import dev.tonearm.server.api.AuthRoutes;
import dev.tonearm.server.api.CatalogRoutes;
import dev.tonearm.server.api.DrmRoutes;
import dev.tonearm.server.api.OfflineRoutes;
import dev.tonearm.server.api.RecommendationRoutes;
import dev.tonearm.server.api.Router;
import dev.tonearm.server.api.SearchRoutes;
import dev.tonearm.server.api.SessionRoutes;
import dev.tonearm.server.auth.AuthService;
import dev.tonearm.server.auth.JsonFileAccountRepository;
import dev.tonearm.server.auth.PasswordHasher;
import dev.tonearm.server.auth.Tier;
import dev.tonearm.server.auth.TierAccountDirectory;
import dev.tonearm.server.auth.TierSubscriptionPolicy;
import dev.tonearm.server.catalog.CatalogObjectLocator;
import dev.tonearm.server.catalog.CatalogRepository;
import dev.tonearm.server.catalog.FileCatalogRepository;
import dev.tonearm.server.cdn.CatalogOriginStore;
import dev.tonearm.server.cdn.CdnEdge;
import dev.tonearm.server.cdn.EdgeHandler;
import dev.tonearm.server.cdn.EdgeRequestHook;
import dev.tonearm.server.cdn.OriginShield;
import dev.tonearm.server.drm.ContentEncryptor;
import dev.tonearm.server.drm.DeviceKeyIssuer;
import dev.tonearm.server.drm.DeviceRegistry;
import dev.tonearm.server.drm.DrmServiceException;
import dev.tonearm.server.drm.FileDeviceRegistry;
import dev.tonearm.server.drm.FileKeyManagementService;
import dev.tonearm.server.drm.KeyManagementService;
import dev.tonearm.server.drm.LicenceService;
import dev.tonearm.server.drm.RegistryDeviceDirectory;
import dev.tonearm.server.fault.FaultAdminRoutes;
import dev.tonearm.server.fault.FaultInjector;
import dev.tonearm.server.http.ApiException;
import dev.tonearm.server.http.HttpListener;
import dev.tonearm.server.http.InFlightTracker;
import dev.tonearm.server.ingest.ExternalTools;
import dev.tonearm.server.ingest.IngestService;
import dev.tonearm.server.ingest.PlainObjectMigration;
import dev.tonearm.server.offline.FileOfflineStore;
import dev.tonearm.server.offline.LicenceExpiryPolicy;
import dev.tonearm.server.offline.OfflineHttpApi;
import dev.tonearm.server.offline.OfflineService;
import dev.tonearm.server.recommend.CatalogTrackProfiles;
import dev.tonearm.server.recommend.InMemoryInteractionStore;
import dev.tonearm.server.recommend.Recommender;
import dev.tonearm.server.search.CachingSearchIndex;
import dev.tonearm.server.search.CatalogIndexer;
import dev.tonearm.server.search.InMemorySearchIndex;
import dev.tonearm.server.session.SessionEventsEndpoint;
import dev.tonearm.server.session.SessionService;
import dev.tonearm.server.sync.SyncEndpoint;
import dev.tonearm.server.sync.SyncServer;
import dev.tonearm.server.sync.SyncService;
import dev.tonearm.sync.client.SyncScheduler;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Tonearm reference server: the HTTP API and the CDN edges in one process, over one data
 * directory (layout in {@link DataDirectory}).
 *
 * <pre>{@code
 * try (ReferenceServer server =
 *     ReferenceServer.builder().dataDir(dir).apiPort(0).edgeCount(2).build().start()) {
 *   String api = server.apiUrl();          // http://127.0.0.1:PORT
 *   List<String> edges = server.edgeUrls();
 * }
 * }</pre>
 *
 * <p>{@link #start()} first takes the exclusive lock of the data directory ({@link
 * DataDirectoryLock}) and fails with {@link DataDirectoryLockedException} when another server holds
 * it. Then it opens the key management service, the device registry and the offline
 * service's store ({@link DataDirectory#offlineDir()}), encrypts the plain
 * objects of a data directory written before objects were encrypted ({@link
 * PlainObjectMigration}), seeds the demo accounts (idempotent) and, on the first start of a data
 * directory, the demo catalog; then it binds the edges and the API. {@link #close()} stops
 * accepting connections, lets requests in flight finish for up to the shutdown timeout (their
 * responses carry {@code Connection: close}), closes all connections, releases the event loops
 * and thread pools and finally the data directory lock.
 *
 * <p>Threading: {@code start} and {@code close} are called by one lifecycle thread; the getters are
 * thread-safe after {@code start} returns.
 */
public final class ReferenceServer implements AutoCloseable {
  /** Demo account with the premium tier. */
  public static final String DEMO_PREMIUM_USERNAME = "premium@demo.tonearm.dev";

  /** Password of {@link #DEMO_PREMIUM_USERNAME}. */
  public static final String DEMO_PREMIUM_PASSWORD = "demo-premium";

  /** Demo account with the free tier. */
  public static final String DEMO_FREE_USERNAME = "free@demo.tonearm.dev";

  /** Password of {@link #DEMO_FREE_USERNAME}. */
  public static final String DEMO_FREE_PASSWORD = "demo-free";

  /**
   * Default request body limit of the API listener: 2 MiB, enough for an offline licence refresh
   * that lists the maximum of 10,000 held tracks (about 250 KiB) and for the offline routes' own
   * 2 MiB limit.
   */
  public static final int DEFAULT_MAX_REQUEST_BODY_BYTES = 2 * 1024 * 1024;

  /** Default chunk cache of each edge: 64 MiB. */
  public static final long DEFAULT_EDGE_CACHE_BYTES = 64L * 1024 * 1024;

  /** Default chunk cache of the origin shield: 256 MiB. */
  public static final long DEFAULT_SHIELD_CACHE_BYTES = 256L * 1024 * 1024;

  /** Default time that {@link #close()} waits for requests in flight. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  /** Default interval between sweeps that purge sync playlists past their deletion retention. */
  public static final Duration DEFAULT_SYNC_PURGE_INTERVAL = Duration.ofHours(1);

  /** Request body limit of the edges, which accept only GET and HEAD. */
  static final int EDGE_MAX_REQUEST_BODY_BYTES = 1024;

  private static final Logger log = LoggerFactory.getLogger(ReferenceServer.class);

  /** A private copy of the builder's settings. */
  private final Builder config;

  private final List<Consumer<Router.Builder>> routeExtensions;
  private final List<EdgeRequestHook> edgeHooks;
  private final FaultInjector faultInjector;
  private final InFlightTracker tracker = new InFlightTracker();
  private final CompletableFuture<Void> drainStarted = new CompletableFuture<>();

  private DataDirectoryLock dataDirectoryLock;
  private EventLoopGroup bossGroup;
  private EventLoopGroup workerGroup;
  private ExecutorService handlerExecutor;
  private ExecutorService originExecutor;
  private ScheduledExecutorService syncPurgeExecutor;
  private IngestService ingestService;
  private AuthService authService;
  private CatalogRepository catalog;
  private CachingSearchIndex searchIndex;
  private KeyManagementService keyManagement;
  private DeviceRegistry deviceRegistry;
  private final List<CdnEdge> edges = new ArrayList<>();
  private final List<HttpListener> edgeListeners = new ArrayList<>();
  private HttpListener apiListener;
  private SyncService syncService;
  private SyncEndpoint syncEndpoint;
  private SyncServer syncServer;
  private SessionService sessionService;
  private SessionEventsEndpoint sessionEvents;
  private OriginShield shield;
  private boolean started;
  /** Set once {@link #start()} has bound every listener, so close() logs a stop only after that. */
  private boolean running;
  private boolean closed;

  private ReferenceServer(Builder config) {
    this.config = config;
    this.routeExtensions = List.copyOf(config.routeExtensions);
    List<String> edgeNames = new ArrayList<>();
    for (int i = 0; i < config.edgePorts.size(); i++) {
      edgeNames.add(edgeName(i));
    }
    this.faultInjector = config.adminToken != null ? new FaultInjector(edgeNames) : null;
    List<EdgeRequestHook> hooks = new ArrayList<>(config.edgeHooks);
    if (faultInjector != null) {
      hooks.add(faultInjector);
    }
    this.edgeHooks = List.copyOf(hooks);
  }

  /** Creates a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Opens the data directory, seeds demo data where missing and binds all listeners.
   *
   * @return this server, started
   */
  public ReferenceServer start() throws IOException, InterruptedException {
    if (started) {
      throw new IllegalStateException("server already started");
    }
    started = true;
    try {
      startUnchecked();
    } catch (IOException | InterruptedException | RuntimeException e) {
      close();
      throw e;
    }
    running = true;
    return this;
  }

  private void startUnchecked() throws IOException, InterruptedException {
    DataDirectory dataDirectory = new DataDirectory(config.dataDir);
    OwnerOnlyFiles.createDirectories(dataDirectory.root());
    dataDirectoryLock = DataDirectoryLock.acquire(dataDirectory);
    dataDirectory.create();
    JsonFileAccountRepository accounts =
        new JsonFileAccountRepository(dataDirectory.accountsFile());
    authService =
        new AuthService(
            accounts,
            new PasswordHasher(config.passwordHashIterations, new SecureRandom()),
            config.clock,
            config.accessTokenTtl,
            config.refreshTokenTtl,
            new SecureRandom());
    authService.ensureAccount("u-premium", DEMO_PREMIUM_USERNAME, DEMO_PREMIUM_PASSWORD, Tier.PREMIUM);
    authService.ensureAccount("u-free", DEMO_FREE_USERNAME, DEMO_FREE_PASSWORD, Tier.FREE);
    searchIndex =
        new CachingSearchIndex(new InMemorySearchIndex(), CachingSearchIndex.DEFAULT_MAX_ENTRIES);
    catalog =
        new CatalogIndexer(
            new FileCatalogRepository(dataDirectory.tracksDir(), dataDirectory.playlistsDir()),
            searchIndex);
    openDrm(dataDirectory);
    new PlainObjectMigration(
            catalog, dataDirectory.objectsDir(), keyManagement, new ContentEncryptor())
        .run();
    LicenceService licenceService =
        LicenceService.builder()
            .keyManagementService(keyManagement)
            .deviceRegistry(deviceRegistry)
            .subscriptionPolicy(new TierSubscriptionPolicy(accounts))
            .clock(config.clock)
            .streamingLicenceDuration(config.streamingLicenceDuration)
            .offlineLicenceDuration(config.offlineLicenceDuration)
            .build();
    ingestService =
        IngestService.builder()
            .dataDirectory(dataDirectory)
            .catalog(catalog)
            .keyManagementService(keyManagement)
            .clock(config.clock)
            .tools(config.tools)
            .chunkSizeBytes(config.chunkSizeBytes)
            .vorbisLadderKbps(config.demoVorbisLadderKbps)
            .build();
    ingestService.deleteStaleWorkDirectories();
    if (config.seedDemo && !Files.exists(dataDirectory.demoSeededMarker())) {
      // The demo ingest takes many seconds, so a port in use should fail the start before it.
      checkPortsFree();
      DemoCatalog.seed(ingestService, catalog, dataDirectory);
      OwnerOnlyFiles.writeAtomically(
          dataDirectory.demoSeededMarker(),
          "demo catalog ingested\n".getBytes(StandardCharsets.UTF_8));
    }

    bossGroup = new MultiThreadIoEventLoopGroup(1, threads("netty-accept"), NioIoHandler.newFactory());
    workerGroup =
        new MultiThreadIoEventLoopGroup(
            config.workerThreads, threads("netty-io"), NioIoHandler.newFactory());
    handlerExecutor = Executors.newFixedThreadPool(config.handlerThreads, threads("api-handler"));
    originExecutor = Executors.newFixedThreadPool(config.originThreads, threads("origin-io"));
    shield =
        new OriginShield(
            new CatalogOriginStore(catalog, dataDirectory.objectsDir()),
            config.shieldCacheBytes,
            originExecutor);

    for (int i = 0; i < config.edgePorts.size(); i++) {
      CdnEdge edge = new CdnEdge(edgeName(i), config.edgeCacheBytes, shield);
      edges.add(edge);
      int edgePort = config.edgePorts.get(i);
      edgeListeners.add(
          bindNamed(
              edge.name(),
              edgePort,
              () ->
                  HttpListener.bind(
                      edge.name(),
                      bossGroup,
                      workerGroup,
                      config.bindAddress,
                      edgePort,
                      EDGE_MAX_REQUEST_BODY_BYTES,
                      () -> new EdgeHandler(edge, authService, edgeHooks, tracker))));
    }
    List<String> edgeUrls = edgeListeners.stream().map(HttpListener::baseUrl).toList();

    Router.Builder routes = Router.builder();
    AuthRoutes.register(routes, authService);
    CatalogRoutes.register(routes, catalog, () -> edgeUrls);
    SearchRoutes.register(routes, searchIndex);
    if (faultInjector != null) {
      FaultAdminRoutes.register(routes, faultInjector, config.adminToken);
      AdminIngestRoutes.register(routes, ingestService, config.adminToken);
      log.warn("fault injection is enabled: the admin API can make the edges fail");
    }
    DrmRoutes.register(routes, deviceRegistry, licenceService);
    sessionService =
        new SessionService(
            deviceRegistry, config.clock, config.sessionTimeout, new SecureRandom());
    SessionRoutes.register(routes, sessionService);
    OfflineRoutes.register(
        routes, new OfflineHttpApi(openOffline(dataDirectory, accounts, () -> edgeUrls)));
    RecommendationRoutes.register(
        routes,
        Recommender.builder()
            .interactions(new InMemoryInteractionStore(config.clock))
            .profiles(new CatalogTrackProfiles(catalog))
            .random(config.recommendationRandom)
            .build());
    for (Consumer<Router.Builder> extension : routeExtensions) {
      extension.accept(routes);
    }
    ApiDispatcher dispatcher = new ApiDispatcher(routes.build(), authService);
    apiListener =
        bindNamed(
            "api",
            config.apiPort,
            () ->
                HttpListener.bind(
                    "api",
                    bossGroup,
                    workerGroup,
                    config.bindAddress,
                    config.apiPort,
                    config.maxRequestBodyBytes,
                    () -> new ApiHandler(dispatcher, handlerExecutor, tracker)));
    syncService =
        SyncService.builder(dataDirectory.root().resolve("sync")).clock(config.clock).open();
    SyncScheduler purgeScheduler = config.syncPurgeScheduler;
    if (purgeScheduler == null) {
      ScheduledThreadPoolExecutor executor =
          new ScheduledThreadPoolExecutor(1, threads("sync-purge"));
      // Lets close() drop the pending sweep instead of waiting for it; a running sweep finishes.
      executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      syncPurgeExecutor = executor;
      purgeScheduler = SyncScheduler.of(executor);
    }
    syncService.schedulePurge(purgeScheduler, config.syncPurgeInterval);
    syncEndpoint = SyncEndpoint.builder(syncService, this::syncUserIdFor).build();
    sessionEvents = new SessionEventsEndpoint(authService, deviceRegistry, sessionService);
    syncServer =
        bindNamed(
            "sync",
            config.syncPort,
            () ->
                SyncServer.start(
                    syncEndpoint,
                    new InetSocketAddress(config.bindAddress, config.syncPort),
                    List.of(sessionEvents::newUpgradeHandler)));
    log.info("API listening on {}", apiListener.baseUrl());
    log.info("playlist sync listening on {}", syncServer.uri());
    for (HttpListener listener : edgeListeners) {
      log.info("{} listening on {}", listener.name(), listener.baseUrl());
    }
  }

  /** A bind step that may fail with Netty's undeclared {@link java.net.BindException}. */
  private interface BindStep<T> {
    T bind() throws InterruptedException;
  }

  /**
   * Runs {@code step} and turns a failure to bind into a {@link ListenerBindException} that names
   * the listener and its port.
   */
  private <T> T bindNamed(String listenerName, int port, BindStep<T> step)
      throws InterruptedException, ListenerBindException {
    try {
      return step.bind();
    } catch (InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      // Netty's sync() rethrows the bind failure even though bind() does not declare it.
      if (e instanceof java.net.BindException) {
        throw new ListenerBindException(
            listenerName, config.bindAddress.getHostAddress(), port, e);
      }
      throw new IllegalStateException("binding the " + listenerName + " listener failed", e);
    }
  }

  /**
   * Binds and releases each fixed port of the API, edge and sync listeners, so that a port in use
   * fails the start before long work. Ports of 0 are skipped.
   *
   * <p>NOTE: another process can still take a port between this check and the real bind, which
   * then fails with the same {@link ListenerBindException}.
   */
  private void checkPortsFree() throws ListenerBindException {
    List<String> names = new ArrayList<>();
    List<Integer> ports = new ArrayList<>();
    names.add("api");
    ports.add(config.apiPort);
    for (int i = 0; i < config.edgePorts.size(); i++) {
      names.add(edgeName(i));
      ports.add(config.edgePorts.get(i));
    }
    names.add("sync");
    ports.add(config.syncPort);
    for (int i = 0; i < ports.size(); i++) {
      int port = ports.get(i);
      if (port == 0) {
        continue;
      }
      try (ServerSocket probe = new ServerSocket()) {
        probe.setReuseAddress(true);
        probe.bind(new InetSocketAddress(config.bindAddress, port));
      } catch (IOException e) {
        throw new ListenerBindException(names.get(i), config.bindAddress.getHostAddress(), port, e);
      }
    }
  }

  private OfflineService openOffline(
      DataDirectory dataDirectory,
      JsonFileAccountRepository accounts,
      Supplier<List<String>> edgeUrls)
      throws IOException {
    Path offlineDir = dataDirectory.offlineDir();
    OwnerOnlyFiles.createDirectories(offlineDir);
    CatalogObjectLocator locator = new CatalogObjectLocator(catalog, edgeUrls);
    return OfflineService.builder()
        .accountDirectory(new TierAccountDirectory(accounts))
        .deviceDirectory(new RegistryDeviceDirectory(deviceRegistry))
        .objectLocator(locator)
        .keyIssuer(new DeviceKeyIssuer(keyManagement, deviceRegistry, locator))
        .store(new FileOfflineStore(offlineDir.resolve("accounts")))
        .expirySecret(LicenceExpiryPolicy.loadOrCreateSecret(offlineDir.resolve("expiry-secret")))
        .clock(config.clock)
        .build();
  }

  private void openDrm(DataDirectory dataDirectory) throws IOException {
    try {
      keyManagement = FileKeyManagementService.open(dataDirectory.keysDir());
      deviceRegistry =
          FileDeviceRegistry.open(
              dataDirectory.devicesFile(), config.clock, config.maxDevicesPerAccount);
    } catch (DrmServiceException e) {
      throw new IOException("cannot open the DRM state in " + dataDirectory.root() + ": " + e, e);
    }
  }

  /** WebSocket URI of the playlist sync endpoint, such as {@code ws://127.0.0.1:41003/v1/sync}. */
  public String syncUrl() {
    requireStarted();
    return syncServer.uri().toString();
  }

  /** The playlist sync service, for creating playlists and collaborators from Java. */
  public SyncService syncService() {
    requireStarted();
    return syncService;
  }

  /**
   * WebSocket URI of the playback session events endpoint on the sync listener, such as {@code
   * ws://127.0.0.1:41003/v1/sessions/events}.
   */
  public String sessionEventsUrl() {
    requireStarted();
    return syncServer.uri().resolve(SessionEventsEndpoint.PATH).toString();
  }

  /** Returns the playback session service behind the session routes. */
  public SessionService sessions() {
    requireStarted();
    return sessionService;
  }

  /** Returns the session events WebSocket endpoint on the sync listener. */
  public SessionEventsEndpoint sessionEvents() {
    requireStarted();
    return sessionEvents;
  }

  /**
   * Returns the account of a sync access token. An invalid or expired token raises the API's
   * {@link ApiException}, so the upgrade response carries the API's code ({@code UNAUTHORIZED} or
   * {@code TOKEN_EXPIRED}).
   */
  private Optional<String> syncUserIdFor(String accessToken) {
    return Optional.of(authService.authenticate("Bearer " + accessToken).accountId());
  }

  /** Base URL of the API listener, such as {@code http://127.0.0.1:41000}. */
  public String apiUrl() {
    requireStarted();
    return apiListener.baseUrl();
  }

  /** Base URLs of the edges, in edge order ({@code edge-0} first). */
  public List<String> edgeUrls() {
    requireStarted();
    return edgeListeners.stream().map(HttpListener::baseUrl).toList();
  }

  /** Returns the edges, for their cache counters. */
  public List<CdnEdge> edges() {
    return Collections.unmodifiableList(edges);
  }

  /** Returns the origin shield that the edges share. */
  public OriginShield shield() {
    return shield;
  }

  /** Returns the catalog. */
  public CatalogRepository catalog() {
    return catalog;
  }

  /** Returns the search index over the catalog, with its query cache. */
  public CachingSearchIndex searchIndex() {
    requireStarted();
    return searchIndex;
  }

  /**
   * Returns the fault injector of the edges.
   *
   * @throws IllegalStateException when the server was built without {@link
   *     Builder#faultInjection(String)}
   */
  public FaultInjector faultInjector() {
    if (faultInjector == null) {
      throw new IllegalStateException("fault injection is not enabled on this server");
    }
    return faultInjector;
  }

  /**
   * Returns the ingest service. Tracks that it ingests while the server runs are served at once,
   * because it writes to the server's catalog.
   */
  public IngestService ingest() {
    return ingestService;
  }

  /** Returns the key management service that holds the content keys. */
  public KeyManagementService keyManagement() {
    return keyManagement;
  }

  /** Returns the device registry behind the device routes. */
  public DeviceRegistry devices() {
    return deviceRegistry;
  }

  /** Returns the auth service that the API and the edges share. */
  public AuthService auth() {
    return authService;
  }

  /** Completes when {@link #close()} starts waiting for requests in flight. */
  CompletableFuture<Void> drainStarted() {
    return drainStarted;
  }

  /** Shuts down gracefully; see the class documentation. Safe to call twice. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<HttpListener> listeners = new ArrayList<>(edgeListeners);
    if (apiListener != null) {
      listeners.add(apiListener);
    }
    for (HttpListener listener : listeners) {
      listener.stopAccepting();
    }

    tracker.startDraining();
    drainStarted.complete(null);
    try {
      if (!tracker.awaitIdle(config.shutdownTimeout)) {
        log.warn(
            "{} requests still in flight after {}; closing their connections",
            tracker.inFlight(),
            config.shutdownTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }

    for (HttpListener listener : listeners) {
      listener.closeConnections();
    }
    if (syncServer != null) {
      syncServer.close();
    }
    if (syncEndpoint != null) {
      syncEndpoint.close();
    }
    // Stopped before the sync service closes, so that no sweep runs over closed playlists.
    shutdownExecutor(syncPurgeExecutor);
    if (syncService != null) {
      try {
        syncService.close();
      } catch (IOException e) {
        log.warn("closing the sync service failed", e);
      }
    }
    shutdownGroup(workerGroup);
    shutdownGroup(bossGroup);
    shutdownExecutor(handlerExecutor);
    shutdownExecutor(originExecutor);
    if (ingestService != null) {
      ingestService.close();
    }
    // Released last, so that no other process opens the directory while this one still writes.
    if (dataDirectoryLock != null) {
      dataDirectoryLock.close();
    }
    if (running) {
      log.info("server stopped");
    }
  }

  private static void shutdownGroup(EventLoopGroup group) {
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private static void shutdownExecutor(ExecutorService executor) {
    if (executor == null) {
      return;
    }
    executor.shutdown();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private void requireStarted() {
    if (apiListener == null) {
      throw new IllegalStateException("server is not started");
    }
  }

  private static String edgeName(int index) {
    return "edge-" + index;
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Configures a {@link ReferenceServer}. Not thread-safe. */
  public static final class Builder {
    private Path dataDir;
    private InetAddress bindAddress = InetAddress.getLoopbackAddress();
    private int apiPort;
    private int syncPort;
    private List<Integer> edgePorts = List.of(0, 0);
    private Clock clock = Clock.systemUTC();
    private Duration accessTokenTtl = AuthService.DEFAULT_ACCESS_TOKEN_TTL;
    private Duration refreshTokenTtl = AuthService.DEFAULT_REFRESH_TOKEN_TTL;
    private int passwordHashIterations = PasswordHasher.DEFAULT_ITERATIONS;
    private int chunkSizeBytes = IngestService.DEFAULT_CHUNK_SIZE_BYTES;
    private List<Integer> demoVorbisLadderKbps = IngestService.DEFAULT_VORBIS_LADDER_KBPS;
    private long edgeCacheBytes = DEFAULT_EDGE_CACHE_BYTES;
    private long shieldCacheBytes = DEFAULT_SHIELD_CACHE_BYTES;
    private int maxRequestBodyBytes = DEFAULT_MAX_REQUEST_BODY_BYTES;
    private Duration streamingLicenceDuration = LicenceService.DEFAULT_STREAMING_LICENCE_DURATION;
    private Duration offlineLicenceDuration = LicenceService.DEFAULT_OFFLINE_LICENCE_DURATION;
    private int maxDevicesPerAccount = DeviceRegistry.DEFAULT_MAX_DEVICES_PER_ACCOUNT;
    private Duration sessionTimeout = SessionService.DEFAULT_SESSION_TIMEOUT;
    private boolean seedDemo = true;
    private String adminToken;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private ExternalTools tools = ExternalTools.fromEnvironment();
    private Duration syncPurgeInterval = DEFAULT_SYNC_PURGE_INTERVAL;
    private SyncScheduler syncPurgeScheduler;
    private int workerThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
    private int handlerThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
    private int originThreads = 4;
    private java.util.Random recommendationRandom = new SecureRandom();
    private final List<Consumer<Router.Builder>> routeExtensions = new ArrayList<>();
    private final List<EdgeRequestHook> edgeHooks = new ArrayList<>();

    private Builder() {}

    /** Data directory; required. Created if missing. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
      return this;
    }

    /** Address of all listeners; default the loopback address. */
    public Builder bindAddress(InetAddress bindAddress) {
      this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
      return this;
    }

    /** API port; default 0, a free port. */
    public Builder apiPort(int apiPort) {
      this.apiPort = checkPort(apiPort);
      return this;
    }

    /** Port of the playlist sync WebSocket listener; default 0, a free port. */
    public Builder syncPort(int syncPort) {
      this.syncPort = checkPort(syncPort);
      return this;
    }

    /** Number of edges, each on a free port; default 2. */
    public Builder edgeCount(int edgeCount) {
      if (edgeCount < 1 || edgeCount > 16) {
        throw new IllegalArgumentException("edgeCount must be in [1, 16]: " + edgeCount);
      }
      this.edgePorts = Collections.nCopies(edgeCount, 0);
      return this;
    }

    /** Edge ports, one edge per port (0 picks a free port); replaces {@link #edgeCount}. */
    public Builder edgePorts(List<Integer> edgePorts) {
      if (edgePorts.isEmpty() || edgePorts.size() > 16) {
        throw new IllegalArgumentException("edgePorts must list 1 to 16 ports: " + edgePorts);
      }
      edgePorts.forEach(Builder::checkPort);
      this.edgePorts = List.copyOf(edgePorts);
      return this;
    }

    /** Clock for token and licence expiry and record times; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Access-token lifetime; default {@link AuthService#DEFAULT_ACCESS_TOKEN_TTL}. */
    public Builder accessTokenTtl(Duration accessTokenTtl) {
      this.accessTokenTtl = Objects.requireNonNull(accessTokenTtl, "accessTokenTtl");
      return this;
    }

    /** Refresh-token lifetime; default {@link AuthService#DEFAULT_REFRESH_TOKEN_TTL}. */
    public Builder refreshTokenTtl(Duration refreshTokenTtl) {
      this.refreshTokenTtl = Objects.requireNonNull(refreshTokenTtl, "refreshTokenTtl");
      return this;
    }

    /**
     * PBKDF2 iterations for new password hashes; default {@link
     * PasswordHasher#DEFAULT_ITERATIONS}. Tests lower it to keep logins fast.
     */
    public Builder passwordHashIterations(int passwordHashIterations) {
      this.passwordHashIterations = passwordHashIterations;
      return this;
    }

    /** Chunk size of newly ingested renditions; default 256 KiB. */
    public Builder chunkSizeBytes(int chunkSizeBytes) {
      this.chunkSizeBytes = chunkSizeBytes;
      return this;
    }

    /** Vorbis bitrates for the demo catalog; default {@link IngestService#DEFAULT_VORBIS_LADDER_KBPS}. */
    public Builder demoVorbisLadderKbps(List<Integer> demoVorbisLadderKbps) {
      this.demoVorbisLadderKbps = List.copyOf(demoVorbisLadderKbps);
      return this;
    }

    /** Chunk cache size of each edge; default {@link #DEFAULT_EDGE_CACHE_BYTES}. */
    public Builder edgeCacheBytes(long edgeCacheBytes) {
      this.edgeCacheBytes = edgeCacheBytes;
      return this;
    }

    /** Chunk cache size of the origin shield; default {@link #DEFAULT_SHIELD_CACHE_BYTES}. */
    public Builder shieldCacheBytes(long shieldCacheBytes) {
      this.shieldCacheBytes = shieldCacheBytes;
      return this;
    }

    /** API request body limit; default {@link #DEFAULT_MAX_REQUEST_BODY_BYTES}. */
    public Builder maxRequestBodyBytes(int maxRequestBodyBytes) {
      this.maxRequestBodyBytes = maxRequestBodyBytes;
      return this;
    }

    /**
     * Lifetime of streaming licences, counted from {@link #clock}; default {@link
     * LicenceService#DEFAULT_STREAMING_LICENCE_DURATION}.
     */
    public Builder streamingLicenceDuration(Duration streamingLicenceDuration) {
      this.streamingLicenceDuration =
          Objects.requireNonNull(streamingLicenceDuration, "streamingLicenceDuration");
      return this;
    }

    /**
     * Lifetime of offline licences, counted from {@link #clock}; default {@link
     * LicenceService#DEFAULT_OFFLINE_LICENCE_DURATION}.
     */
    public Builder offlineLicenceDuration(Duration offlineLicenceDuration) {
      this.offlineLicenceDuration =
          Objects.requireNonNull(offlineLicenceDuration, "offlineLicenceDuration");
      return this;
    }

    /**
     * Maximum number of devices per account; default {@link
     * DeviceRegistry#DEFAULT_MAX_DEVICES_PER_ACCOUNT}.
     */
    public Builder maxDevicesPerAccount(int maxDevicesPerAccount) {
      if (maxDevicesPerAccount <= 0) {
        throw new IllegalArgumentException(
            "maxDevicesPerAccount must be > 0: " + maxDevicesPerAccount);
      }
      this.maxDevicesPerAccount = maxDevicesPerAccount;
      return this;
    }

    /**
     * Time without a heartbeat after which a playback session expires, counted on {@link #clock};
     * default {@link SessionService#DEFAULT_SESSION_TIMEOUT}.
     */
    public Builder sessionTimeout(Duration sessionTimeout) {
      if (sessionTimeout.isNegative() || sessionTimeout.isZero()) {
        throw new IllegalArgumentException("sessionTimeout must be > 0: " + sessionTimeout);
      }
      this.sessionTimeout = sessionTimeout;
      return this;
    }

    /** Sets whether to ingest the demo catalog on the first start; default true. */
    public Builder seedDemo(boolean seedDemo) {
      this.seedDemo = seedDemo;
      return this;
    }

    /**
     * Enables fault injection on the edges and its admin API ({@code /v1/admin/faults}, see
     * {@code docs/api.md}), guarded by {@code adminToken}, which must have at least {@value
     * FaultAdminRoutes#MIN_ADMIN_TOKEN_LENGTH} characters. Default: disabled, and the admin routes
     * do not exist. Never enable it on a server that real listeners use.
     */
    public Builder faultInjection(String adminToken) {
      Objects.requireNonNull(adminToken, "adminToken");
      if (adminToken.length() < FaultAdminRoutes.MIN_ADMIN_TOKEN_LENGTH) {
        throw new IllegalArgumentException(
            "adminToken must have at least "
                + FaultAdminRoutes.MIN_ADMIN_TOKEN_LENGTH
                + " characters: "
                + adminToken.length());
      }
      this.adminToken = adminToken;
      return this;
    }

    /** Sets how long {@link #close()} waits for requests in flight; default 10 s. */
    public Builder shutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
      return this;
    }

    /** Sets where ingest finds oggdec, oggenc and flac; default the process's {@code PATH}. */
    public Builder tools(ExternalTools tools) {
      this.tools = Objects.requireNonNull(tools, "tools");
      return this;
    }

    /**
     * Sets the interval between sweeps that purge sync playlists whose deletion retention has
     * passed; default {@link #DEFAULT_SYNC_PURGE_INTERVAL}. Expiry is judged by {@link #clock}.
     */
    public Builder syncPurgeInterval(Duration syncPurgeInterval) {
      Objects.requireNonNull(syncPurgeInterval, "syncPurgeInterval");
      if (syncPurgeInterval.isNegative() || syncPurgeInterval.isZero()) {
        throw new IllegalArgumentException("syncPurgeInterval must be > 0: " + syncPurgeInterval);
      }
      this.syncPurgeInterval = syncPurgeInterval;
      return this;
    }

    /**
     * Sets the scheduler of the sync purge sweeps; default a daemon thread of the server, stopped
     * by {@link #close()}. Tests pass a scheduler whose time they advance by hand.
     */
    public Builder syncPurgeScheduler(SyncScheduler syncPurgeScheduler) {
      this.syncPurgeScheduler = Objects.requireNonNull(syncPurgeScheduler, "syncPurgeScheduler");
      return this;
    }

    /**
     * Random source of the recommender's Thompson sampling; default a {@link SecureRandom}. Tests
     * pass a seeded {@link java.util.Random} for repeatable lists.
     */
    public Builder recommendationRandom(java.util.Random recommendationRandom) {
      this.recommendationRandom =
          Objects.requireNonNull(recommendationRandom, "recommendationRandom");
      return this;
    }

    /** Netty I/O threads shared by all listeners; default the processor count, at least 2. */
    public Builder workerThreads(int workerThreads) {
      this.workerThreads = workerThreads;
      return this;
    }

    /**
     * Adds API routes; {@code extension} receives the route table after the built-in routes, so
     * its routes never shadow them.
     */
    public Builder routes(Consumer<Router.Builder> extension) {
      routeExtensions.add(Objects.requireNonNull(extension, "extension"));
      return this;
    }

    /** Adds a hook that every edge runs for each object request; see {@link EdgeRequestHook}. */
    public Builder edgeHook(EdgeRequestHook hook) {
      edgeHooks.add(Objects.requireNonNull(hook, "hook"));
      return this;
    }

    /** Builds an unstarted server; later changes to this builder do not affect it. */
    public ReferenceServer build() {
      if (dataDir == null) {
        throw new IllegalStateException("dataDir is required");
      }
      return new ReferenceServer(copy());
    }

    private Builder copy() {
      Builder copy = new Builder();
      copy.dataDir = dataDir;
      copy.bindAddress = bindAddress;
      copy.apiPort = apiPort;
      copy.syncPort = syncPort;
      copy.edgePorts = edgePorts;
      copy.clock = clock;
      copy.accessTokenTtl = accessTokenTtl;
      copy.refreshTokenTtl = refreshTokenTtl;
      copy.passwordHashIterations = passwordHashIterations;
      copy.chunkSizeBytes = chunkSizeBytes;
      copy.demoVorbisLadderKbps = demoVorbisLadderKbps;
      copy.edgeCacheBytes = edgeCacheBytes;
      copy.shieldCacheBytes = shieldCacheBytes;
      copy.maxRequestBodyBytes = maxRequestBodyBytes;
      copy.streamingLicenceDuration = streamingLicenceDuration;
      copy.offlineLicenceDuration = offlineLicenceDuration;
      copy.maxDevicesPerAccount = maxDevicesPerAccount;
      copy.sessionTimeout = sessionTimeout;
      copy.seedDemo = seedDemo;
      copy.adminToken = adminToken;
      copy.shutdownTimeout = shutdownTimeout;
      copy.tools = tools;
      copy.syncPurgeInterval = syncPurgeInterval;
      copy.syncPurgeScheduler = syncPurgeScheduler;
      copy.workerThreads = workerThreads;
      copy.handlerThreads = handlerThreads;
      copy.originThreads = originThreads;
      copy.recommendationRandom = recommendationRandom;
      copy.routeExtensions.addAll(routeExtensions);
      copy.edgeHooks.addAll(edgeHooks);
      return copy;
    }

    private static int checkPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in [0, 65535]: " + port);
      }
      return port;
    }
  }
}
