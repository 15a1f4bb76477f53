package dev.tonearm.drm;

import java.io.IOException;

/**
 * Storage for the encrypted {@link DeviceKeyStore} blob. The blob is already encrypted and
 * authenticated; an implementation only stores it. An Android app can implement this over a file in
 * its private directory, optionally sealing the blob once more with an Android Keystore key.
 *
 * <p>{@link FileKeyStorage} is the default. Implementations are thread-safe.
 */
public interface KeyStorage {
  /** Returns the stored blob, or null if nothing is stored yet. */
  byte[] read() throws IOException;

  /**
   * Replaces the stored blob atomically: after a crash a later {@link #read()} returns either the
   * previous or the new blob, never a mix.
   */
  void write(byte[] blob) throws IOException;

  /** Deletes the stored blob if there is one. */
  void delete() throws IOException;
}
