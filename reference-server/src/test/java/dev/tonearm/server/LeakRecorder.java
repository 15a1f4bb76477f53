package dev.tonearm.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Records Netty buffer leaks so tests can fail on them. Registered as a JUnit launcher session
 * listener, it installs its leak detector factory before any test loads a {@link ByteBuf} class;
 * the build runs tests with {@code io.netty.leakDetection.level=paranoid}, so every buffer is
 * tracked.
 *
 * <p>Thread-safe.
 */
public final class LeakRecorder implements LauncherSessionListener {
  private static final List<String> leaks = new ArrayList<>();

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
  }

  /**
   * Collects garbage, makes Netty report what it found, and returns and clears the leaks recorded
   * so far. Detection needs the leaked buffer to be unreachable, so a leak still referenced from a
   * live object is not seen.
   */
  public static List<String> drainLeaks() {
    for (int round = 0; round < 3; round++) {
      System.gc();
      // Leak reports are emitted when a tracked buffer is allocated.
      for (int i = 0; i < 8; i++) {
        ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        pooled.release();
        ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
        unpooled.release();
      }
    }
    synchronized (leaks) {
      List<String> copy = new ArrayList<>(leaks);
      leaks.clear();
      return copy;
    }
  }

  private static void record(String report) {
    synchronized (leaks) {
      leaks.add(report);
    }
  }

  private static final class RecordingFactory extends ResourceLeakDetectorFactory {
    @Deprecated
    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      return newResourceLeakDetector(resource, samplingInterval);
    }

    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval) {
      return new ResourceLeakDetector<T>(resource, samplingInterval) {
        @Override
        protected void reportTracedLeak(String resourceType, String records) {
          record(resourceType + " leaked: " + records);
          super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
          record(resourceType + " leaked (untraced)");
          super.reportUntracedLeak(resourceType);
        }
      };
    }
  }
}
