package dev.tonearm.cli;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.drm.DrmException;
import dev.tonearm.server.DataDirectoryLockedException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * Formats an exception that escaped a command as the {@code REASON_CODE: message} part of the
 * CLI's {@code error:} line. The reason comes from the exception's own reason code where it has
 * one, and the line never shows a Java class name. Stateless.
 */
final class ErrorLines {
  private ErrorLines() {}

  /** Returns {@code REASON_CODE: message} for {@code exception}. */
  static String describe(Exception exception) {
    if (exception instanceof DataDirectoryLockedException) {
      DataDirectoryLockedException locked = (DataDirectoryLockedException) exception;
      return locked.reason() + ": " + locked.getMessage();
    }
    if (exception instanceof PlaybackException) {
      PlaybackException playback = (PlaybackException) exception;
      return playback.reason() + ": " + playback.getMessage();
    }
    if (exception instanceof DrmException) {
      DrmException drm = (DrmException) exception;
      return drm.reasonName() + ": " + drm.getMessage();
    }
    if (exception instanceof NoSuchFileException) {
      String file = ((FileSystemException) exception).getFile();
      return "FILE_NOT_FOUND: no such file or folder: " + file;
    }
    if (exception instanceof AccessDeniedException) {
      return "IO_ERROR: permission denied: " + ((FileSystemException) exception).getFile();
    }
    if (exception instanceof IOException) {
      return "IO_ERROR: " + messageOf(exception, "reading or writing failed");
    }
    if (exception instanceof InterruptedException) {
      return "INTERNAL_ERROR: interrupted before the command finished";
    }
    return "INTERNAL_ERROR: " + messageOf(exception, "unexpected failure without a message");
  }

  private static String messageOf(Exception exception, String fallback) {
    String message = exception.getMessage();
    return message == null || message.isEmpty() ? fallback : message;
  }
}
