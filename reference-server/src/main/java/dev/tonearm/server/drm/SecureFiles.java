package dev.tonearm.server.drm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/** File helpers for key files: owner-only permissions and crash-safe replacement. */
final class SecureFiles {
  static final Set<PosixFilePermission> OWNER_READ_WRITE =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  static final Set<PosixFilePermission> OWNER_ALL =
      EnumSet.of(
          PosixFilePermission.OWNER_READ,
          PosixFilePermission.OWNER_WRITE,
          PosixFilePermission.OWNER_EXECUTE);

  private SecureFiles() {}

  /** Creates {@code dir} and missing parents; a directory created here is {@code rwx------}. */
  static void createPrivateDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ALL));
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
  }

  /**
   * Rejects {@code file} unless only its owner has access to it.
   *
   * @throws DrmServiceException {@code KEY_FILE_INSECURE} if a group or other permission bit is set
   *     or the file system has no POSIX permissions
   */
  static void checkOwnerOnly(Path file, String description) throws DrmServiceException {
    Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException e) {
      throw new DrmServiceException(
          DrmServiceException.Reason.KEY_FILE_INSECURE,
          description
              + " "
              + file
              + " is on a file system without POSIX permissions; keep key files on a POSIX"
              + " file system so that access can be limited to their owner",
          e);
    } catch (IOException e) {
      throw new DrmServiceException(
          DrmServiceException.Reason.STORAGE_FAILED,
          "cannot read the permissions of " + description + " " + file,
          e);
    }
    Set<PosixFilePermission> foreign = EnumSet.copyOf(permissions);
    foreign.removeAll(OWNER_ALL);
    if (!foreign.isEmpty()) {
      String permissionText = PosixFilePermissions.toString(permissions);
      throw new DrmServiceException(
          DrmServiceException.Reason.KEY_FILE_INSECURE,
          description
              + " "
              + file
              + " has permissions "
              + permissionText
              + " but must be readable and writable by its owner only; run 'chmod 600 "
              + file
              + "' and check who may have copied it");
    }
  }

  /**
   * Replaces {@code target} with {@code content}: writes a temporary file in the same directory,
   * forces it to storage, renames it over the target atomically and forces the directory. A crash
   * leaves either the old or the new file, never a partial one.
   */
  static void writeAtomically(Path target, byte[] content, boolean ownerOnly) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    FileAttribute<?>[] attributes =
        ownerOnly
            ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE)}
            : new FileAttribute<?>[0];
    try {
      try (FileChannel channel =
          FileChannel.open(
              temp,
              EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              attributes)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("file system of " + target + " cannot rename atomically", e);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    forceDirectory(dir);
  }

  /** Makes a rename in {@code dir} durable; skipped where directories cannot be opened. */
  private static void forceDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Some platforms cannot open a directory as a channel; the rename itself is still atomic.
    }
  }
}
