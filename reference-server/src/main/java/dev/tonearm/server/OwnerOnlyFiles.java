package dev.tonearm.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Creates files {@code rw-------} and directories {@code rwx------}, whatever the process umask,
 * so that other local users cannot read the server's data directory.
 *
 * <p>On a file system without POSIX permissions (the default file system's {@code
 * supportedFileAttributeViews()} lacks {@code "posix"}), every method works as the plain {@link
 * Files} call would and sets no permissions.
 *
 * <p>Stateless and thread-safe.
 */
public final class OwnerOnlyFiles {
  /** Permissions of every file created here: read and write for the owner. */
  public static final Set<PosixFilePermission> FILE_PERMISSIONS =
      Set.copyOf(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

  /** Permissions of every directory created here: read, write and search for the owner. */
  public static final Set<PosixFilePermission> DIRECTORY_PERMISSIONS =
      Set.copyOf(
          EnumSet.of(
              PosixFilePermission.OWNER_READ,
              PosixFilePermission.OWNER_WRITE,
              PosixFilePermission.OWNER_EXECUTE));

  private static final Set<PosixFilePermission> GROUP_AND_OTHERS =
      Set.copyOf(
          EnumSet.of(
              PosixFilePermission.GROUP_READ,
              PosixFilePermission.GROUP_WRITE,
              PosixFilePermission.GROUP_EXECUTE,
              PosixFilePermission.OTHERS_READ,
              PosixFilePermission.OTHERS_WRITE,
              PosixFilePermission.OTHERS_EXECUTE));

  private OwnerOnlyFiles() {}

  /** Returns whether the file system of {@code path} has POSIX permissions. */
  public static boolean isPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /**
   * Creates {@code dir} and its missing parents, each {@code rwx------}. Directories that exist
   * already keep their permissions.
   *
   * @return {@code dir}
   */
  public static Path createDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return dir;
    }
    return Files.createDirectories(dir, directoryAttributes(dir));
  }

  /**
   * Opens {@code file} as {@link FileChannel#open(Path, Set, FileAttribute[])} does. If the call
   * creates the file, the file is {@code rw-------}. An existing file keeps its permissions.
   */
  public static FileChannel openChannel(Path file, OpenOption... options) throws IOException {
    return FileChannel.open(file, new HashSet<>(Arrays.asList(options)), fileAttributes(file));
  }

  /**
   * Replaces {@code target} with {@code content}: writes the {@code rw-------} temporary file
   * {@code TARGET_NAME.tmp} in the same directory, forces it to storage, renames it over the target
   * atomically and forces the directory. A crash leaves either the old or the new file, never a
   * partial one. A regular file left at the temporary path by a crash is replaced. Callers
   * serialize writes to one target, because they share the temporary path.
   *
   * @throws IOException if writing fails, something other than a regular file is at the temporary
   *     path, or the file system cannot rename atomically; {@code target} is then unchanged
   */
  public static void writeAtomically(Path target, byte[] content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
    if (Files.isRegularFile(temporary, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(temporary);
    }
    boolean created = false;
    try {
      try (FileChannel channel =
          openChannel(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        created = true;
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        Files.move(
            temporary,
            target,
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("file system of " + target + " cannot rename atomically", e);
      }
    } finally {
      if (created) {
        Files.deleteIfExists(temporary);
      }
    }
    forceDirectory(dir);
  }

  /**
   * Copies the content of {@code source} into {@code target}, which must not exist, and creates
   * {@code target} as {@code rw-------}. Unlike {@link Files#copy(Path, Path,
   * java.nio.file.CopyOption...)}, the copy never takes the source's permissions.
   */
  public static void copy(Path source, Path target) throws IOException {
    try (InputStream in = Files.newInputStream(source);
        OutputStream out =
            Channels.newOutputStream(
                openChannel(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
      in.transferTo(out);
    }
  }

  /**
   * Sets a file that another program created, such as an encoder's output, to {@code rw-------}.
   */
  public static void restrictFile(Path file) throws IOException {
    if (isPosix(file)) {
      Files.setPosixFilePermissions(file, FILE_PERMISSIONS);
    }
  }

  /**
   * Removes every group and others permission from {@code root} and everything below it, keeping
   * the owner's permissions. Symbolic links are neither followed nor changed.
   *
   * @return the paths whose permissions changed, in walk order; empty without POSIX permissions
   * @throws IOException if a directory cannot be listed or a permission cannot be changed, for
   *     example on a file that another user owns
   */
  public static List<Path> removeGroupAndOthersAccess(Path root) throws IOException {
    List<Path> changed = new ArrayList<>();
    if (!isPosix(root) || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return changed;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes)
              throws IOException {
            restrict(dir, changed);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            if (!attributes.isSymbolicLink()) {
              restrict(file, changed);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return changed;
  }

  private static void restrict(Path path, List<Path> changed) throws IOException {
    Set<PosixFilePermission> permissions =
        Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
    Set<PosixFilePermission> ownerOnly = EnumSet.noneOf(PosixFilePermission.class);
    ownerOnly.addAll(permissions);
    if (ownerOnly.removeAll(GROUP_AND_OTHERS)) {
      try {
        Files.setPosixFilePermissions(path, ownerOnly);
      } catch (IOException e) {
        throw new IOException(
            "failed to remove group and others access from "
                + path
                + "; run 'chmod go-rwx' on it as its owner, or give it to the server's user",
            e);
      }
      changed.add(path);
    }
  }

  private static FileAttribute<?>[] fileAttributes(Path file) {
    if (!isPosix(file)) {
      return new FileAttribute<?>[0];
    }
    return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_PERMISSIONS)};
  }

  private static FileAttribute<?>[] directoryAttributes(Path dir) {
    if (!isPosix(dir)) {
      return new FileAttribute<?>[0];
    }
    return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DIRECTORY_PERMISSIONS)};
  }

  /** Makes a rename in {@code dir} durable; skipped where a directory cannot be opened. */
  private static void forceDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Some platforms cannot open a directory as a channel; the rename itself is still atomic.
    }
  }
}
