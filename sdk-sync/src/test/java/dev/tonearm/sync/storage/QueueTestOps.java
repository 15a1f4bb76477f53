package dev.tonearm.sync.storage;

import dev.tonearm.sync.Op;
import dev.tonearm.sync.OpId;
import dev.tonearm.sync.ReplicaId;
import dev.tonearm.sync.VersionVector;

/** Deterministic operations for queue tests: the content follows from the counter. */
final class QueueTestOps {
  static final ReplicaId REPLICA = ReplicaId.of("writer", "device-1");

  private QueueTestOps() {}

  static Op op(long counter) {
    OpId left = counter == 1 ? null : new OpId(REPLICA, counter - 1);
    StringBuilder track = new StringBuilder("t-").append(counter).append('-');
    for (int i = 0; i < counter % 97; i++) {
      track.append((char) ('a' + (counter + i) % 26));
    }
    VersionVector deps = VersionVector.EMPTY.with(ReplicaId.of("other", "d"), counter / 3);
    return new Op.Add(new OpId(REPLICA, counter), counter, deps, left, null, track.toString());
  }
}
