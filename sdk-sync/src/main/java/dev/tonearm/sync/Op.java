package dev.tonearm.sync;

import java.util.Objects;

/**
 * One playlist operation, as created by {@link PlaylistCrdt} and sent between replicas.
 *
 * <p>Every operation carries its unique {@link OpId}, a Lamport timestamp and its causal
 * dependencies: the version vector of the other replicas that its creator had applied when it
 * created the operation. The creator's own earlier operations are implied by the id's counter. A
 * replica applies an operation only after all of its dependencies.
 *
 * <p>The subclasses are the six operation kinds. Instances are immutable values; two operations are
 * equal when every field is equal.
 */
public abstract class Op {
  /** Operation kind, with the name used on the wire. */
  public enum Kind {
    ADD("add"),
    REMOVE("remove"),
    MOVE("move"),
    RENAME("rename"),
    DELETE("delete"),
    RESTORE("restore");

    private final String wireName;

    Kind(String wireName) {
      this.wireName = wireName;
    }

    /** Returns the lower-case name used in JSON messages. */
    public String wireName() {
      return wireName;
    }

    /** Returns the kind with the given wire name, or null if there is none. */
    public static Kind fromWireName(String name) {
      for (Kind kind : values()) {
        if (kind.wireName.equals(name)) {
          return kind;
        }
      }
      return null;
    }
  }

  private final OpId id;
  private final long lamport;
  private final VersionVector deps;

  private Op(OpId id, long lamport, VersionVector deps) {
    this.id = Objects.requireNonNull(id, "id");
    if (lamport < 1) {
      throw new IllegalArgumentException("lamport must be >= 1: " + lamport);
    }
    this.lamport = lamport;
    this.deps = Objects.requireNonNull(deps, "deps");
  }

  public abstract Kind kind();

  public final OpId id() {
    return id;
  }

  /** Returns the Lamport timestamp: 1 more than the largest timestamp its creator had seen. */
  public final long lamport() {
    return lamport;
  }

  /** Returns the operations of other replicas that this one depends on. */
  public final VersionVector deps() {
    return deps;
  }

  /** Returns whether this operation changes the entries rather than the playlist's metadata. */
  public final boolean isContentEdit() {
    Kind kind = kind();
    return kind == Kind.ADD || kind == Kind.REMOVE || kind == Kind.MOVE || kind == Kind.RENAME;
  }

  @Override
  public boolean equals(Object o) {
    if (o == null || o.getClass() != getClass()) {
      return false;
    }
    Op other = (Op) o;
    return id.equals(other.id)
        && lamport == other.lamport
        && deps.equals(other.deps)
        && sameFields(other);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return kind().wireName() + "{id=" + id + ", lamport=" + lamport + fieldsToString() + "}";
  }

  abstract boolean sameFields(Op other);

  abstract String fieldsToString();

  /**
   * Adds an entry holding {@code trackId} between two neighbouring positions: {@code left} and
   * {@code right} are the ids of the position items next to it when it was created, or null for the
   * start and the end of the list.
   */
  public static final class Add extends Op {
    private final OpId left;
    private final OpId right;
    private final String trackId;

    public Add(OpId id, long lamport, VersionVector deps, OpId left, OpId right, String trackId) {
      super(id, lamport, deps);
      this.left = left;
      this.right = right;
      this.trackId = Objects.requireNonNull(trackId, "trackId");
    }

    @Override
    public Kind kind() {
      return Kind.ADD;
    }

    /** Returns the position item before the new entry, or null for the start of the list. */
    public OpId left() {
      return left;
    }

    /** Returns the position item after the new entry, or null for the end of the list. */
    public OpId right() {
      return right;
    }

    public String trackId() {
      return trackId;
    }

    @Override
    boolean sameFields(Op other) {
      Add add = (Add) other;
      return Objects.equals(left, add.left)
          && Objects.equals(right, add.right)
          && trackId.equals(add.trackId);
    }

    @Override
    String fieldsToString() {
      return ", left=" + left + ", right=" + right + ", track=" + trackId;
    }
  }

  /** Removes the entry added by the operation {@code entry}. */
  public static final class Remove extends Op {
    private final OpId entry;

    public Remove(OpId id, long lamport, VersionVector deps, OpId entry) {
      super(id, lamport, deps);
      this.entry = Objects.requireNonNull(entry, "entry");
    }

    @Override
    public Kind kind() {
      return Kind.REMOVE;
    }

    public OpId entry() {
      return entry;
    }

    @Override
    boolean sameFields(Op other) {
      return entry.equals(((Remove) other).entry);
    }

    @Override
    String fieldsToString() {
      return ", entry=" + entry;
    }
  }

  /**
   * Moves the entry {@code entry} to a new position item between {@code left} and {@code right};
   * the move's own id becomes the id of that position item.
   */
  public static final class Move extends Op {
    private final OpId entry;
    private final OpId left;
    private final OpId right;

    public Move(OpId id, long lamport, VersionVector deps, OpId entry, OpId left, OpId right) {
      super(id, lamport, deps);
      this.entry = Objects.requireNonNull(entry, "entry");
      this.left = left;
      this.right = right;
    }

    @Override
    public Kind kind() {
      return Kind.MOVE;
    }

    public OpId entry() {
      return entry;
    }

    public OpId left() {
      return left;
    }

    public OpId right() {
      return right;
    }

    @Override
    boolean sameFields(Op other) {
      Move move = (Move) other;
      return entry.equals(move.entry)
          && Objects.equals(left, move.left)
          && Objects.equals(right, move.right);
    }

    @Override
    String fieldsToString() {
      return ", entry=" + entry + ", left=" + left + ", right=" + right;
    }
  }

  /** Sets the playlist name; the rename with the greatest (Lamport, replica) wins. */
  public static final class Rename extends Op {
    private final String name;

    public Rename(OpId id, long lamport, VersionVector deps, String name) {
      super(id, lamport, deps);
      this.name = Objects.requireNonNull(name, "name");
    }

    @Override
    public Kind kind() {
      return Kind.RENAME;
    }

    public String name() {
      return name;
    }

    @Override
    boolean sameFields(Op other) {
      return name.equals(((Rename) other).name);
    }

    @Override
    String fieldsToString() {
      return ", name=" + name;
    }
  }

  /** Marks the playlist deleted (a soft delete that keeps every entry for a later restore). */
  public static final class Delete extends Op {
    public Delete(OpId id, long lamport, VersionVector deps) {
      super(id, lamport, deps);
    }

    @Override
    public Kind kind() {
      return Kind.DELETE;
    }

    @Override
    boolean sameFields(Op other) {
      return true;
    }

    @Override
    String fieldsToString() {
      return "";
    }
  }

  /** Clears a soft delete of the playlist. */
  public static final class Restore extends Op {
    public Restore(OpId id, long lamport, VersionVector deps) {
      super(id, lamport, deps);
    }

    @Override
    public Kind kind() {
      return Kind.RESTORE;
    }

    @Override
    boolean sameFields(Op other) {
      return true;
    }

    @Override
    String fieldsToString() {
      return "";
    }
  }
}
