package dev.tonearm.cli;

import dev.tonearm.core.decode.PcmFormat;
import dev.tonearm.core.sink.AudioSink;
import dev.tonearm.core.sink.WavFileSink;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link WavFileSink} that prints a line each time it starts a file. A track in another format
 * than the one before starts a new file ({@code F.wav}, then {@code F-2.wav}, ...), so the user
 * sees every file as it appears.
 *
 * <p>Threading: the player's playback thread calls the {@link AudioSink} methods; {@link #files()}
 * may be called once the player is released. Lines go to a {@link PrintWriter}, which locks
 * itself.
 */
final class AnnouncingWavSink implements AudioSink {
  private final WavFileSink delegate;
  private final PrintWriter out;

  AnnouncingWavSink(WavFileSink delegate, PrintWriter out) {
    this.delegate = delegate;
    this.out = out;
  }

  @Override
  public void open(PcmFormat format) throws IOException {
    int filesBefore = delegate.files().size();
    delegate.open(format);
    List<Path> files = delegate.files();
    if (files.size() > filesBefore) {
      Path file = files.get(files.size() - 1);
      if (filesBefore == 0) {
        out.println("writing the audio to " + file + " (" + format + ")");
      } else {
        out.println(
            "the format changed to " + format + ", so the audio continues in a new file: " + file);
      }
      out.flush();
    }
  }

  @Override
  public void write(int[] samples, int frames) throws IOException {
    delegate.write(samples, frames);
  }

  @Override
  public void drain() throws IOException {
    delegate.drain();
  }

  @Override
  public boolean isRealTime() {
    return delegate.isRealTime();
  }

  /** Finishes the current file. Idempotent. */
  @Override
  public void close() throws IOException {
    delegate.close();
  }

  /** Files written so far, in order, including the current one. */
  List<Path> files() {
    return delegate.files();
  }
}
