package dev.tonearm.server.auth;

import dev.tonearm.server.http.ApiException;
import dev.tonearm.server.http.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logins, token refresh and bearer-token checks for the API and the CDN edges.
 *
 * <p>Tokens are 256-bit values from {@link SecureRandom}, sent base64url-encoded (43 characters).
 * The server stores only their SHA-256, so a copy of its token table cannot be replayed. An
 * access token lives {@code accessTokenTtl} (default 15 min); a refresh token lives {@code
 * refreshTokenTtl} (default 30 days) and is single-use: each refresh returns a new pair. All
 * tokens from one login form a family; presenting an already-used refresh token revokes the whole
 * family, because one of its copies has leaked.
 *
 * <p>Expired access tokens are remembered for {@link #EXPIRED_TOKEN_MEMORY} so that clients get
 * {@code TOKEN_EXPIRED} instead of {@code UNAUTHORIZED}. Tokens live in memory, so a server
 * restart signs everyone out.
 *
 * <p>Thread-safe. Time comes from the injected {@link Clock}.
 */
public final class AuthService {
  /** Default access-token lifetime. */
  public static final Duration DEFAULT_ACCESS_TOKEN_TTL = Duration.ofMinutes(15);

  /** Default refresh-token lifetime. */
  public static final Duration DEFAULT_REFRESH_TOKEN_TTL = Duration.ofDays(30);

  /** How long an expired access token still yields {@code TOKEN_EXPIRED}. */
  public static final Duration EXPIRED_TOKEN_MEMORY = Duration.ofHours(1);

  private static final Logger log = LoggerFactory.getLogger(AuthService.class);
  private static final int TOKEN_BYTES = 32;
  private static final int PRUNE_EVERY_ISSUES = 256;
  private static final String BEARER_PREFIX = "bearer ";

  private enum Kind {
    ACCESS,
    REFRESH
  }

  private record StoredToken(
      Kind kind, String accountId, Tier tier, String familyId, Instant expiresAt, boolean used) {}

  private final AccountRepository accounts;
  private final PasswordHasher hasher;
  private final Clock clock;
  private final Duration accessTokenTtl;
  private final Duration refreshTokenTtl;
  private final SecureRandom random;
  private final String dummyHash;

  /** Tokens by the hex SHA-256 of their wire form. */
  private final Map<String, StoredToken> tokens = new ConcurrentHashMap<>();

  private final AtomicLong issueCount = new AtomicLong();

  public AuthService(
      AccountRepository accounts,
      PasswordHasher hasher,
      Clock clock,
      Duration accessTokenTtl,
      Duration refreshTokenTtl,
      SecureRandom random) {
    if (accessTokenTtl.isNegative() || accessTokenTtl.isZero()) {
      throw new IllegalArgumentException("accessTokenTtl must be > 0: " + accessTokenTtl);
    }
    if (refreshTokenTtl.isNegative() || refreshTokenTtl.isZero()) {
      throw new IllegalArgumentException("refreshTokenTtl must be > 0: " + refreshTokenTtl);
    }
    this.accounts = accounts;
    this.hasher = hasher;
    this.clock = clock;
    this.accessTokenTtl = accessTokenTtl;
    this.refreshTokenTtl = refreshTokenTtl;
    this.random = random;
    this.dummyHash = hasher.hash("not-a-password".toCharArray());
  }

  /**
   * Creates {@code username} with {@code password} unless an account with {@code id} exists.
   *
   * @return whether the account was created
   */
  public boolean ensureAccount(String id, String username, String password, Tier tier)
      throws IOException {
    if (accounts.findById(id).isPresent()) {
      return false;
    }
    accounts.save(new Account(id, username, tier, hasher.hash(password.toCharArray())));
    log.info("created account {} ({})", id, tier.wireName());
    return true;
  }

  /**
   * Checks the credentials and starts a token family.
   *
   * @throws ApiException UNAUTHORIZED for an unknown user or a wrong password, without saying
   *     which
   */
  public TokenResponse login(String username, String password) {
    Optional<Account> account = accounts.findByUsername(username);
    // Unknown users still cost one hash, so response time does not reveal which names exist.
    String encoded = account.map(Account::passwordHash).orElse(dummyHash);
    boolean matches = hasher.verify(password.toCharArray(), encoded);
    if (account.isEmpty() || !matches) {
      log.info("login rejected");
      throw new ApiException(ErrorCode.UNAUTHORIZED, "invalid username or password");
    }
    Account found = account.get();
    log.debug("login accepted for account {}", found.id());
    return issue(found.id(), found.tier(), newToken());
  }

  /**
   * Exchanges a refresh token for a new pair; the presented token becomes used.
   *
   * @throws ApiException UNAUTHORIZED for an unknown or reused token, TOKEN_EXPIRED for an
   *     expired one
   */
  public TokenResponse refresh(String refreshToken) {
    String key = digest(refreshToken);
    Instant now = clock.instant();
    StoredToken stored = tokens.get(key);
    if (stored == null || stored.kind() != Kind.REFRESH) {
      throw new ApiException(ErrorCode.UNAUTHORIZED, "refresh token is not valid");
    }
    if (!now.isBefore(stored.expiresAt())) {
      throw new ApiException(ErrorCode.TOKEN_EXPIRED, "refresh token has expired; log in again");
    }
    StoredToken used =
        new StoredToken(
            stored.kind(),
            stored.accountId(),
            stored.tier(),
            stored.familyId(),
            stored.expiresAt(),
            true);
    if (stored.used() || !tokens.replace(key, stored, used)) {
      revokeFamily(stored.familyId());
      log.warn("refresh token reused for account {}; revoked its token family", stored.accountId());
      throw new ApiException(
          ErrorCode.UNAUTHORIZED, "refresh token was already used; log in again");
    }
    Tier tier = accounts.findById(stored.accountId()).map(Account::tier).orElse(null);
    if (tier == null) {
      revokeFamily(stored.familyId());
      throw new ApiException(ErrorCode.UNAUTHORIZED, "account no longer exists");
    }
    return issue(stored.accountId(), tier, stored.familyId());
  }

  /**
   * Resolves an {@code Authorization} header value of the form {@code Bearer TOKEN}.
   *
   * @throws ApiException UNAUTHORIZED when the header is missing, malformed or unknown,
   *     TOKEN_EXPIRED when the token has expired
   */
  public Principal authenticate(String authorizationHeader) {
    if (authorizationHeader == null) {
      throw new ApiException(ErrorCode.UNAUTHORIZED, "missing Authorization: Bearer header");
    }
    String value = authorizationHeader.trim();
    if (value.length() <= BEARER_PREFIX.length()
        || !value.regionMatches(true, 0, BEARER_PREFIX, 0, BEARER_PREFIX.length())) {
      throw new ApiException(
          ErrorCode.UNAUTHORIZED, "Authorization header must be 'Bearer <accessToken>'");
    }
    String token = value.substring(BEARER_PREFIX.length()).trim();
    StoredToken stored = tokens.get(digest(token));
    if (stored == null || stored.kind() != Kind.ACCESS) {
      throw new ApiException(ErrorCode.UNAUTHORIZED, "access token is not valid");
    }
    if (!clock.instant().isBefore(stored.expiresAt())) {
      throw new ApiException(ErrorCode.TOKEN_EXPIRED, "access token has expired; refresh it");
    }
    return new Principal(stored.accountId(), stored.tier());
  }

  /** Access-token lifetime. */
  public Duration accessTokenTtl() {
    return accessTokenTtl;
  }

  private TokenResponse issue(String accountId, Tier tier, String familyId) {
    if (issueCount.incrementAndGet() % PRUNE_EVERY_ISSUES == 0) {
      pruneExpired();
    }
    Instant now = clock.instant();
    String accessToken = newToken();
    String refreshToken = newToken();
    tokens.put(
        digest(accessToken),
        new StoredToken(Kind.ACCESS, accountId, tier, familyId, now.plus(accessTokenTtl), false));
    tokens.put(
        digest(refreshToken),
        new StoredToken(
            Kind.REFRESH, accountId, tier, familyId, now.plus(refreshTokenTtl), false));
    return new TokenResponse(
        accessToken, refreshToken, accessTokenTtl.toSeconds(), accountId, tier);
  }

  private void revokeFamily(String familyId) {
    tokens.values().removeIf(token -> token.familyId().equals(familyId));
  }

  private void pruneExpired() {
    Instant accessCutoff = clock.instant().minus(EXPIRED_TOKEN_MEMORY);
    Instant refreshCutoff = clock.instant();
    tokens
        .values()
        .removeIf(
            token ->
                token.kind() == Kind.ACCESS
                    ? token.expiresAt().isBefore(accessCutoff)
                    : token.expiresAt().isBefore(refreshCutoff));
  }

  private String newToken() {
    byte[] bytes = new byte[TOKEN_BYTES];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String digest(String token) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable in this JDK", e);
    }
  }
}
