package dev.tonearm.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Fails a test when Netty reports a buffer leak that happened during it. */
public final class NoLeaks implements BeforeEachCallback, AfterEachCallback {
  @Override
  public void beforeEach(ExtensionContext context) {
    LeakRecorder.drainLeaks();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    assertThat(LeakRecorder.drainLeaks()).as("Netty buffer leaks").isEmpty();
  }
}
