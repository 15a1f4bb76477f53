package dev.tonearm.server.offline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonearm.server.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link OfflineStore} with one JSON file per account in a directory.
 *
 * <p>A save writes the new content to a temporary file, forces it to disk, renames it over the old
 * file and forces the directory, so after a crash the file holds either the old or the new record,
 * never a mix. File names are a hash of the account id, so any id is a safe file name. Loaded
 * records are kept in memory and written through.
 *
 * <p>Thread-safe for concurrent calls on different accounts; the service serialises calls for one
 * account.
 */
public final class FileOfflineStore implements OfflineStore {
  private static final Logger log = LoggerFactory.getLogger(FileOfflineStore.class);
  private static final int FORMAT_VERSION = 1;
  private static final String SUFFIX = ".json";

  private final Path directory;
  private final ObjectMapper mapper = new ObjectMapper();
  private final ConcurrentMap<String, AccountRecord> cache = new ConcurrentHashMap<>();

  /** Opens the store in {@code directory}, creating it if needed. */
  public FileOfflineStore(Path directory) throws IOException {
    this.directory = OwnerOnlyFiles.createDirectories(directory);
  }

  @Override
  public Optional<AccountRecord> load(String accountId) throws IOException {
    AccountRecord cached = cache.get(accountId);
    if (cached != null) {
      return Optional.of(cached);
    }
    Path file = fileFor(accountId);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    AccountRecord record = parse(file, Files.readAllBytes(file));
    if (!record.accountId().equals(accountId)) {
      throw new IOException(
          "offline state file " + file + " belongs to another account: " + record.accountId());
    }
    cache.put(accountId, record);
    return Optional.of(record);
  }

  @Override
  public void save(AccountRecord record) throws IOException {
    Path file = fileFor(record.accountId());
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    byte[] content = mapper.writeValueAsBytes(toJson(record));
    try (FileChannel channel =
        OwnerOnlyFiles.openChannel(
            temporary,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    Files.move(
        temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    forceDirectory();
    cache.put(record.accountId(), record);
  }

  private Path fileFor(String accountId) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(accountId.getBytes(StandardCharsets.UTF_8));
      return directory.resolve(HexFormat.of().formatHex(digest, 0, 16) + SUFFIX);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private void forceDirectory() {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory for fsync; the rename is still atomic there.
      log.debug("Cannot fsync directory {}: {}", directory, e.toString());
    }
  }

  private ObjectNode toJson(AccountRecord record) {
    ObjectNode root = mapper.createObjectNode();
    root.put("version", FORMAT_VERSION);
    root.put("accountId", record.accountId());
    ArrayNode devices = root.putArray("devices");
    for (DeviceRecord device : record.devices()) {
      ObjectNode node = devices.addObject();
      node.put("deviceId", device.deviceId());
      node.put("displayName", device.displayName());
      node.put("registeredAtMs", device.registeredAt().toEpochMilli());
      if (device.lastOnlineCheck() == null) {
        node.putNull("lastOnlineCheckMs");
      } else {
        node.put("lastOnlineCheckMs", device.lastOnlineCheck().toEpochMilli());
      }
      ArrayNode held = node.putArray("heldTrackIds");
      device.heldTrackIds().forEach(held::add);
    }
    return root;
  }

  private AccountRecord parse(Path file, byte[] content) throws IOException {
    JsonNode root;
    try {
      root = mapper.readTree(content);
    } catch (JsonProcessingException e) {
      throw new IOException("offline state file " + file + " is not valid JSON", e);
    }
    if (root == null || root.path("version").asInt(-1) != FORMAT_VERSION) {
      throw new IOException("offline state file " + file + " has an unsupported version: " + root);
    }
    String accountId = requireText(file, root, "accountId");
    List<DeviceRecord> devices = new ArrayList<>();
    for (JsonNode node : root.path("devices")) {
      JsonNode lastCheck = node.path("lastOnlineCheckMs");
      Set<String> held = new LinkedHashSet<>();
      for (JsonNode trackId : node.path("heldTrackIds")) {
        held.add(trackId.asText());
      }
      devices.add(
          new DeviceRecord(
              requireText(file, node, "deviceId"),
              requireText(file, node, "displayName"),
              Instant.ofEpochMilli(node.path("registeredAtMs").asLong()),
              lastCheck.isNumber() ? Instant.ofEpochMilli(lastCheck.asLong()) : null,
              held));
    }
    return new AccountRecord(accountId, devices);
  }

  private static String requireText(Path file, JsonNode node, String field) throws IOException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IOException("offline state file " + file + " is missing field " + field);
    }
    return value.asText();
  }
}
