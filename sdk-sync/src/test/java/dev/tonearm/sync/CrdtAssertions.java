package dev.tonearm.sync;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks shared by the CRDT tests. */
final class CrdtAssertions {
  private CrdtAssertions() {}

  /**
   * Asserts that two replicas have the same state: the same operations, the same sequence of
   * position items with the same visibility, and the same visible entries and metadata.
   */
  static void assertSameState(PlaylistCrdt actual, PlaylistCrdt expected) {
    assertThat(actual.version()).as("version").isEqualTo(expected.version());
    assertThat(actual.itemDump()).as("position items").isEqualTo(expected.itemDump());
    assertThat(actual.entries()).as("entries").isEqualTo(expected.entries());
    assertThat(actual.name()).as("name").isEqualTo(expected.name());
    assertThat(actual.isDeleted()).as("deleted").isEqualTo(expected.isDeleted());
    assertThat(actual.state()).as("operations").isEqualTo(expected.state());
  }

  /** Returns a new replica named {@code replica} holding the full state of {@code source}. */
  static PlaylistCrdt copyOf(PlaylistCrdt source, ReplicaId replica) throws SyncException {
    PlaylistCrdt copy = PlaylistCrdt.create(replica);
    copy.apply(source.state());
    return copy;
  }

  /** Returns whether {@code earlier} happened before {@code later}, from their dependencies. */
  static boolean happenedBefore(Op earlier, Op later) {
    if (earlier.id().replica().equals(later.id().replica())) {
      return earlier.id().counter() < later.id().counter();
    }
    return later.deps().covers(earlier.id());
  }

  static boolean concurrent(Op a, Op b) {
    return !happenedBefore(a, b) && !happenedBefore(b, a);
  }
}
