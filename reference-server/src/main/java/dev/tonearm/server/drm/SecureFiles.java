package dev.tonearm.server.drm;

import dev.tonearm.server.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Permission check for key files. Files and directories are created through {@link
 * OwnerOnlyFiles}.
 */
final class SecureFiles {
  private SecureFiles() {}

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
    foreign.removeAll(OwnerOnlyFiles.DIRECTORY_PERMISSIONS);
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
}
