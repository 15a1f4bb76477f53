package dev.tonearm.sync;

import static dev.tonearm.sync.CrdtAssertions.assertSameState;
import static dev.tonearm.sync.CrdtAssertions.copyOf;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One test per row of the playlist conflict table. Each test builds a shared starting state, lets
 * two users edit concurrently without seeing each other, then merges in both directions.
 */
class ConflictTableTest {
  private static final ReplicaId ALICE = ReplicaId.of("alice", "phone");
  private static final ReplicaId BOB = ReplicaId.of("bob", "laptop");

  @Test
  void samePosition_equalTimestamps_userIdOrder() throws SyncException {
    PlaylistCrdt alice = start(ALICE, "a", "b");
    PlaylistCrdt bob = copyOf(alice, BOB);

    Op.Add fromAlice = alice.add(1, "t");
    Op.Add fromBob = bob.add(1, "t");
    exchange(alice, bob);

    assertThat(fromAlice.lamport()).isEqualTo(fromBob.lamport());
    assertThat(alice.trackIds()).containsExactly("a", "t", "t", "b");
    assertThat(alice.get(1).id()).isEqualTo(fromAlice.id());
    assertThat(alice.get(2).id()).isEqualTo(fromBob.id());
    assertSameState(bob, alice);
  }

  @Test
  void samePosition_earlierTimestampFirst() throws SyncException {
    ReplicaId zoe = ReplicaId.of("zoe", "tablet");
    PlaylistCrdt alice = start(ALICE, "a", "b");
    PlaylistCrdt zoeReplica = copyOf(alice, zoe);
    alice.rename("Road trip");

    Op.Add fromAlice = alice.add(1, "t");
    Op.Add fromZoe = zoeReplica.add(1, "t");
    exchange(alice, zoeReplica);

    assertThat(fromZoe.lamport()).isLessThan(fromAlice.lamport());
    assertThat(alice.entries().subList(1, 3))
        .extracting(PlaylistEntry::id)
        .containsExactly(fromZoe.id(), fromAlice.id());
    assertSameState(zoeReplica, alice);
  }

  @Test
  void concurrentRuns_stayTogether() throws SyncException {
    PlaylistCrdt user1 = PlaylistCrdt.create(ReplicaId.of("u1", "d"));
    PlaylistCrdt user2 = PlaylistCrdt.create(ReplicaId.of("u2", "d"));

    user1.add(0, "A");
    user1.add(1, "B");
    user2.add(0, "C");
    exchange(user1, user2);

    assertThat(user1.trackIds()).containsExactly("A", "B", "C");
    assertSameState(user2, user1);
  }

  @Test
  void addsAtDifferentPositions_mergeByPosition() throws SyncException {
    PlaylistCrdt alice = start(ALICE, "t1", "t2");
    PlaylistCrdt bob = copyOf(alice, BOB);

    alice.add(2, "t3");
    bob.add(1, "t4");
    exchange(alice, bob);

    assertThat(alice.trackIds()).containsExactly("t1", "t4", "t2", "t3");
    assertSameState(bob, alice);
  }

  @Test
  void trackRemovedWhileMoved_removeWins() throws SyncException {
    PlaylistCrdt alice = start(ALICE, "a", "b", "c");
    PlaylistCrdt bob = copyOf(alice, BOB);
    bob.rename("later timestamps for bob");

    alice.remove(1);
    Op.Move move = bob.move(1, 0);
    exchange(alice, bob);

    assertThat(move.lamport()).isGreaterThan(alice.state().get(3).lamport());
    assertThat(alice.trackIds()).containsExactly("a", "c");
    assertSameState(bob, alice);
  }

  @Test
  void sameTrackAddedAndRemovedConcurrently_removeWins() throws SyncException {
    PlaylistCrdt alice = start(ALICE, "a", "b");
    PlaylistCrdt bob = copyOf(alice, BOB);

    alice.remove(1);
    bob.add(0, "b");
    exchange(alice, bob);

    assertThat(alice.trackIds()).containsExactly("a");
    assertSameState(bob, alice);
  }

  @Test
  void trackAddedAfterSeeingRemove_survives() throws SyncException {
    PlaylistCrdt alice = start(ALICE, "a", "b");
    PlaylistCrdt bob = copyOf(alice, BOB);
    alice.remove(1);
    exchange(alice, bob);

    bob.add(0, "b");
    exchange(alice, bob);

    assertThat(alice.trackIds()).containsExactly("b", "a");
    assertSameState(bob, alice);
  }

  @Test
  void duplicateTrackSeenByRemover_otherCopyKept() throws SyncException {
    PlaylistCrdt alice = start(ALICE, "b", "a", "b");
    PlaylistCrdt bob = copyOf(alice, BOB);

    alice.remove(2);
    bob.add(1, "x");
    exchange(alice, bob);

    assertThat(alice.trackIds()).containsExactly("b", "x", "a");
    assertSameState(bob, alice);
  }

  @Test
  void reorderDuringAdd_addAtTarget() throws SyncException {
    PlaylistCrdt alice = start(ALICE, "a", "b", "c", "d");
    PlaylistCrdt bob = copyOf(alice, BOB);

    alice.add(2, "x");
    bob.move(3, 0);
    exchange(alice, bob);

    assertThat(alice.trackIds()).containsExactly("d", "a", "b", "x", "c");
    assertSameState(bob, alice);
  }

  @Test
  void neighbourMoved_addKeepsRightNeighbour() throws SyncException {
    PlaylistCrdt alice = start(ALICE, "a", "b", "c", "d");
    PlaylistCrdt bob = copyOf(alice, BOB);

    alice.add(2, "x");
    bob.move(1, 3);
    exchange(alice, bob);

    assertThat(alice.trackIds()).containsExactly("a", "x", "c", "d", "b");
    assertSameState(bob, alice);
  }

  @Test
  void concurrentMoves_latestWinsOnce() throws SyncException {
    PlaylistCrdt alice = start(ALICE, "a", "b", "c", "d");
    PlaylistCrdt bob = copyOf(alice, BOB);
    bob.rename("later timestamps for bob");

    alice.move(0, 3);
    bob.move(0, 1);
    exchange(alice, bob);

    assertThat(alice.trackIds()).containsExactly("b", "a", "c", "d");
    assertSameState(bob, alice);
  }

  @Test
  void deletedDuringOfflineEdits_restoreKeepsEdits() throws SyncException {
    PlaylistCrdt owner = start(ALICE, "a", "b");
    PlaylistCrdt collaborator = copyOf(owner, BOB);

    owner.delete();
    collaborator.add(2, "c");
    collaborator.move(0, 1);
    exchange(owner, collaborator);

    assertThat(collaborator.isDeleted()).isTrue();
    assertThat(collaborator.lastDeleteOrRestore().id().replica()).isEqualTo(ALICE);
    assertThat(collaborator.trackIds()).containsExactly("b", "a", "c");

    collaborator.restore();
    exchange(owner, collaborator);

    assertThat(owner.isDeleted()).isFalse();
    assertThat(owner.trackIds()).containsExactly("b", "a", "c");
    assertSameState(collaborator, owner);
  }

  @Test
  void deleteAndRestoreConcurrently_laterTimestampWins() throws SyncException {
    PlaylistCrdt alice = start(ALICE, "a");
    PlaylistCrdt bob = copyOf(alice, BOB);
    alice.delete();
    exchange(alice, bob);

    bob.restore();
    alice.rename("bumps alice's clock");
    alice.delete();
    exchange(alice, bob);

    assertThat(alice.isDeleted()).isTrue();
    assertSameState(bob, alice);
  }

  @Test
  void concurrentRenames_greaterTimestampThenUserIdWins() throws SyncException {
    PlaylistCrdt alice = start(ALICE);
    PlaylistCrdt bob = copyOf(alice, BOB);

    alice.rename("Alice's name");
    bob.rename("Bob's name");
    exchange(alice, bob);

    assertThat(alice.name()).isEqualTo("Bob's name");
    assertSameState(bob, alice);
  }

  private static PlaylistCrdt start(ReplicaId replica, String... tracks) {
    PlaylistCrdt crdt = PlaylistCrdt.create(replica);
    List<String> list = Arrays.asList(tracks);
    for (int i = 0; i < list.size(); i++) {
      crdt.add(i, list.get(i));
    }
    return crdt;
  }

  /** Sends each replica the operations it lacks, in both directions. */
  private static void exchange(PlaylistCrdt a, PlaylistCrdt b) throws SyncException {
    VersionVector versionOfA = a.version();
    a.apply(b.delta(versionOfA));
    b.apply(a.delta(b.version()));
  }
}
