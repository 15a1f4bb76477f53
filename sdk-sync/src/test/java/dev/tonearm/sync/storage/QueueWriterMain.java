package dev.tonearm.sync.storage;

import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Random;

/**
 * Child process of {@link QueueKillTest}: appends operations to a queue without end and reports on
 * standard output each append that returned ({@code A counter ok}), each acknowledgement it is
 * about to make ({@code S counter ok}) and each one that returned ({@code T counter ok}), until the
 * parent kills it. The trailing {@code ok} distinguishes a complete line from one cut short by the
 * kill.
 *
 * <p>Arguments: queue file, fsync policy, random seed.
 */
public final class QueueWriterMain {
  private static final int MAX_OPS_PER_RUN = 200_000;

  private QueueWriterMain() {}

  public static void main(String[] args) throws Exception {
    Path file = Paths.get(args[0]);
    RecordLog.FsyncPolicy policy = RecordLog.FsyncPolicy.valueOf(args[1]);
    Random random = new Random(Long.parseLong(args[2]));
    PrintStream out = new PrintStream(System.out, true, "UTF-8");
    try (PendingOpQueue queue = PendingOpQueue.open(file, policy)) {
      List<dev.tonearm.sync.Op> recovered = queue.pending();
      long counter =
          recovered.isEmpty()
              ? Long.parseLong(args[3])
              : recovered.get(recovered.size() - 1).id().counter();
      out.println("READY " + counter);
      for (int i = 0; i < MAX_OPS_PER_RUN; i++) {
        counter++;
        queue.append(QueueTestOps.op(counter));
        out.println("A " + counter + " ok");
        if (random.nextInt(8) == 0) {
          long through = counter - random.nextInt(6);
          out.println("S " + through + " ok");
          queue.acknowledgeThrough(through);
          out.println("T " + through + " ok");
        }
      }
    }
  }
}
