package dev.tonearm.sync;

import static dev.tonearm.sync.CrdtAssertions.assertSameState;
import static dev.tonearm.sync.CrdtAssertions.copyOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PlaylistCrdtTest {
  private static final ReplicaId ALICE = ReplicaId.of("alice", "phone");
  private static final ReplicaId BOB = ReplicaId.of("bob", "laptop");

  @Test
  void localEdits_matchArrayListModel() {
    PlaylistCrdt crdt = PlaylistCrdt.create(ALICE);
    List<String> model = new ArrayList<>();
    Random random = new Random(7);

    for (int step = 0; step < 5_000; step++) {
      int choice = random.nextInt(10);
      if (choice < 5 || model.isEmpty()) {
        int index = random.nextInt(model.size() + 1);
        String track = "t" + random.nextInt(50);
        crdt.add(index, track);
        model.add(index, track);
      } else if (choice < 7) {
        int index = random.nextInt(model.size());
        crdt.remove(index);
        model.remove(index);
      } else {
        int from = random.nextInt(model.size());
        int to = random.nextInt(model.size());
        crdt.move(from, to);
        model.add(to, model.remove(from));
      }
      assertThat(crdt.size()).isEqualTo(model.size());
    }

    assertThat(crdt.trackIds()).isEqualTo(model);
  }

  @Test
  void indexOf_followsEntryThroughMoves() {
    PlaylistCrdt crdt = PlaylistCrdt.create(ALICE);
    Op.Add first = crdt.add(0, "a");
    crdt.add(1, "b");
    crdt.add(2, "c");

    crdt.move(0, 2);

    assertThat(crdt.indexOf(first.id())).isEqualTo(2);
    assertThat(crdt.get(2).id()).isEqualTo(first.id());
    crdt.remove(2);
    assertThat(crdt.indexOf(first.id())).isEqualTo(-1);
  }

  @Test
  void move_toSameIndex_isNoOp() {
    PlaylistCrdt crdt = PlaylistCrdt.create(ALICE);
    crdt.add(0, "a");

    assertThat(crdt.move(0, 0)).isNull();
    assertThat(crdt.opCount()).isEqualTo(1);
  }

  @Test
  void localEdits_outOfRange_throw() {
    PlaylistCrdt crdt = PlaylistCrdt.create(ALICE);
    crdt.add(0, "a");

    assertThatThrownBy(() -> crdt.add(2, "b")).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> crdt.remove(1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> crdt.move(0, 1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> crdt.add(0, "")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void metadata_renameDeleteRestore() {
    PlaylistCrdt crdt = PlaylistCrdt.create(ALICE);

    crdt.rename("Mix");
    crdt.delete();
    assertThat(crdt.name()).isEqualTo("Mix");
    assertThat(crdt.isDeleted()).isTrue();
    crdt.restore();
    assertThat(crdt.isDeleted()).isFalse();
    assertThat(crdt.lastDeleteOrRestore().kind()).isEqualTo(Op.Kind.RESTORE);
  }

  @Test
  void apply_duplicatesAndReorderedOps_giveSameState() throws SyncException {
    PlaylistCrdt source = PlaylistCrdt.create(ALICE);
    for (int i = 0; i < 20; i++) {
      source.add(i / 2, "t" + i);
    }
    source.move(3, 10);
    source.remove(5);
    List<Op> ops = new ArrayList<>(source.state());
    ops.addAll(source.state());
    Collections.shuffle(ops, new Random(3));

    PlaylistCrdt target = PlaylistCrdt.create(BOB);
    int applied = target.apply(ops);

    assertThat(applied).isEqualTo(22);
    assertThat(target.bufferedOpCount()).isZero();
    assertSameState(target, source);
  }

  @Test
  void apply_missingDependency_buffers() throws SyncException {
    PlaylistCrdt source = PlaylistCrdt.create(ALICE);
    Op first = source.add(0, "a");
    Op second = source.add(1, "b");
    PlaylistCrdt target = PlaylistCrdt.create(BOB);

    assertThat(target.apply(second)).isZero();
    assertThat(target.bufferedOps()).containsExactly(second);
    assertThat(target.apply(first)).isEqualTo(2);

    assertThat(target.trackIds()).containsExactly("a", "b");
    assertThat(target.bufferedOpCount()).isZero();
  }

  @Test
  void apply_bufferFull_throwsLimitExceeded() throws SyncException {
    PlaylistCrdt source = PlaylistCrdt.create(ALICE);
    source.add(0, "a");
    Op second = source.add(1, "b");
    Op third = source.add(2, "c");
    PlaylistCrdt target = PlaylistCrdt.builder(BOB).maxBufferedOps(1).build();
    target.apply(second);

    assertThatThrownBy(() -> target.apply(third))
        .isInstanceOfSatisfying(
            SyncException.class,
            e -> assertThat(e.reason()).isEqualTo(SyncException.Reason.LIMIT_EXCEEDED));
  }

  @Test
  void applyInOrder_missingDependency_throws() throws SyncException {
    PlaylistCrdt source = PlaylistCrdt.create(ALICE);
    Op first = source.add(0, "a");
    source.add(1, "b");
    Op third = source.add(2, "c");
    PlaylistCrdt target = PlaylistCrdt.create(BOB);

    assertThatThrownBy(() -> target.applyInOrder(Arrays.asList(first, third)))
        .isInstanceOfSatisfying(
            SyncException.class,
            e -> assertThat(e.reason()).isEqualTo(SyncException.Reason.MISSING_DEPENDENCY));
    assertThat(target.trackIds()).containsExactly("a");
    assertThat(target.bufferedOpCount()).isZero();
  }

  @Test
  void applyInOrder_returnsOnlyNewOps() throws SyncException {
    PlaylistCrdt source = PlaylistCrdt.create(ALICE);
    Op first = source.add(0, "a");
    Op second = source.add(1, "b");
    PlaylistCrdt target = PlaylistCrdt.create(BOB);
    target.apply(first);

    assertThat(target.applyInOrder(Arrays.asList(first, second))).containsExactly(second);
  }

  // Malformed remote operations: each is rejected with INVALID_OP and changes nothing.

  @Test
  void remoteOp_depsNamingOwnReplica_rejected() throws SyncException {
    PlaylistCrdt target = withTrackA();
    Op op = new Op.Rename(id(ALICE, 2), 5, vector(ALICE, 1), "x");

    assertRejected(target, op, "must not name its own replica");
  }

  @Test
  void remoteOp_lamportNotAboveDependencies_rejected() throws SyncException {
    PlaylistCrdt target = withTrackA();
    Op op = new Op.Rename(id(BOB, 1), 1, vector(ALICE, 1), "x");

    assertRejected(target, op, "Lamport timestamp 1 must be >= 2");
  }

  @Test
  void remoteOp_lamportNotAboveOwnPrevious_rejected() throws SyncException {
    PlaylistCrdt target = withTrackA();
    Op op = new Op.Rename(id(ALICE, 2), 1, VersionVector.EMPTY, "x");

    assertRejected(target, op, "Lamport timestamp 1 must be >= 2");
  }

  @Test
  void remoteAdd_originOutsideDependencies_rejected() throws SyncException {
    PlaylistCrdt target = withTrackA();
    Op op = new Op.Add(id(BOB, 1), 2, VersionVector.EMPTY, id(ALICE, 1), null, "b");

    assertRejected(target, op, "left alice/phone:1 is not among its dependencies");
  }

  @Test
  void remoteAdd_originIsRemove_rejected() throws SyncException {
    PlaylistCrdt target = withTrackA();
    target.apply(new Op.Remove(id(ALICE, 2), 2, VersionVector.EMPTY, id(ALICE, 1)));
    Op op = new Op.Add(id(BOB, 1), 3, vector(ALICE, 2), id(ALICE, 2), null, "b");

    assertRejected(target, op, "is not an add or a move");
  }

  @Test
  void remoteAdd_rightOriginBeforeLeft_rejected() throws SyncException {
    PlaylistCrdt target = withTrackA();
    target.apply(new Op.Add(id(ALICE, 2), 2, VersionVector.EMPTY, id(ALICE, 1), null, "b"));
    Op op = new Op.Add(id(BOB, 1), 3, vector(ALICE, 2), id(ALICE, 2), id(ALICE, 1), "c");

    assertRejected(target, op, "before its left origin");
  }

  @Test
  void remoteAdd_emptyTrackId_rejected() throws SyncException {
    PlaylistCrdt target = withTrackA();
    Op op = new Op.Add(id(BOB, 1), 2, vector(ALICE, 1), null, null, "");

    assertRejected(target, op, "track id must not be empty");
  }

  @Test
  void remoteMove_entryIsAMove_rejected() throws SyncException {
    PlaylistCrdt target = withTrackA();
    target.apply(new Op.Add(id(ALICE, 2), 2, VersionVector.EMPTY, id(ALICE, 1), null, "b"));
    target.apply(
        new Op.Move(id(ALICE, 3), 3, VersionVector.EMPTY, id(ALICE, 1), id(ALICE, 2), null));
    Op op = new Op.Remove(id(BOB, 1), 4, vector(ALICE, 3), id(ALICE, 3));

    assertRejected(target, op, "entry alice/phone:3 is not an add");
  }

  private static void assertRejected(PlaylistCrdt target, Op op, String message)
      throws SyncException {
    PlaylistCrdt before = copyOf(target, ReplicaId.of("before", "d"));

    assertThatThrownBy(() -> target.apply(op))
        .isInstanceOfSatisfying(
            SyncException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(SyncException.Reason.INVALID_OP);
              assertThat(e.getMessage()).contains(message);
            });
    assertThat(target.version()).isEqualTo(before.version());
    assertThat(target.itemDump()).isEqualTo(before.itemDump());
  }

  /** Returns Bob's replica holding Alice's first operation, an add of "a". */
  private static PlaylistCrdt withTrackA() throws SyncException {
    PlaylistCrdt target = PlaylistCrdt.create(BOB);
    target.apply(new Op.Add(id(ALICE, 1), 1, VersionVector.EMPTY, null, null, "a"));
    return target;
  }

  private static OpId id(ReplicaId replica, long counter) {
    return new OpId(replica, counter);
  }

  private static VersionVector vector(ReplicaId replica, long counter) {
    return VersionVector.EMPTY.with(replica, counter);
  }
}
