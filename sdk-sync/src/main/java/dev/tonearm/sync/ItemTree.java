package dev.tonearm.sync;

import java.util.Arrays;

/**
 * Order-statistic B+ tree over all position items of a playlist, in sequence order.
 *
 * <p>Leaves hold up to {@value #LEAF_CAPACITY} items in an array plus a parallel array of visible
 * flags; branches hold up to {@value #BRANCH_CAPACITY} children. Every node counts the items and
 * the visible items below it, so finding the n-th visible item, the position of an item and the
 * visible index of an item each take O(log n) steps plus a scan of one leaf. Each item points to
 * its leaf, which replaces a search from the root. Items are never removed (removed entries and
 * superseded move positions stay as invisible items), so the tree only grows.
 *
 * <p>Inserts go into the leaf first and split it afterwards when it overflows; the arrays have one
 * spare slot for that. A leaf that overflows because an item was appended at its end keeps {@value
 * #LEAF_CAPACITY} items and moves only the new one, so append-heavy editing fills leaves
 * completely; other overflows split in half.
 *
 * <p>Not thread-safe: confined to the owning {@link PlaylistCrdt}.
 */
final class ItemTree {
  static final int LEAF_CAPACITY = 64;
  static final int BRANCH_CAPACITY = 32;

  abstract static class Node {
    Branch parent;
    int size;
    int visible;
  }

  static final class Leaf extends Node {
    final Item[] items = new Item[LEAF_CAPACITY + 1];
    final boolean[] shown = new boolean[LEAF_CAPACITY + 1];
    int count;
    Leaf next;
  }

  static final class Branch extends Node {
    final Node[] children = new Node[BRANCH_CAPACITY + 1];
    int count;
  }

  /** Position in the item sequence, for scans that step through neighbouring items. */
  static final class Cursor {
    private Leaf leaf;
    private int index;

    Cursor(Leaf leaf, int index) {
      this.leaf = leaf;
      this.index = index;
      normalize();
    }

    /** Returns the item at the cursor, or null past the end. */
    Item item() {
      return leaf == null ? null : leaf.items[index];
    }

    void advance() {
      index++;
      normalize();
    }

    private void normalize() {
      if (leaf != null && index >= leaf.count) {
        leaf = leaf.next;
        index = 0;
      }
    }
  }

  private final Leaf firstLeaf = new Leaf();
  private Node root = firstLeaf;

  /** Returns the number of items, visible or not. */
  int size() {
    return root.size;
  }

  /** Returns the number of visible items. */
  int visibleSize() {
    return root.visible;
  }

  /** Returns a cursor at the first item, or past the end when the tree is empty. */
  Cursor cursorAtStart() {
    return new Cursor(firstLeaf, 0);
  }

  /** Returns a cursor at the item after {@code item}, or at the first item when it is null. */
  Cursor cursorAfter(Item item) {
    if (item == null) {
      return cursorAtStart();
    }
    return new Cursor(item.leaf, indexInLeaf(item.leaf, item) + 1);
  }

  /** Returns the item after {@code item} in sequence order (the first if null), or null. */
  Item successor(Item item) {
    return cursorAfter(item).item();
  }

  /** Returns the visible item with visible index {@code index}. */
  Item visibleAt(int index) {
    if (index < 0 || index >= root.visible) {
      throw new IndexOutOfBoundsException(
          "index must be in 0.." + (root.visible - 1) + ": " + index);
    }
    Node node = root;
    while (node instanceof Branch) {
      Branch branch = (Branch) node;
      int i = 0;
      while (index >= branch.children[i].visible) {
        index -= branch.children[i].visible;
        i++;
      }
      node = branch.children[i];
    }
    Leaf leaf = (Leaf) node;
    for (int i = 0; ; i++) {
      if (leaf.shown[i]) {
        if (index == 0) {
          return leaf.items[i];
        }
        index--;
      }
    }
  }

  /** Returns the position of {@code item} among all items. */
  int indexOf(Item item) {
    Leaf leaf = item.leaf;
    int position = indexInLeaf(leaf, item);
    Node node = leaf;
    for (Branch parent = node.parent; parent != null; node = parent, parent = parent.parent) {
      for (int i = 0; parent.children[i] != node; i++) {
        position += parent.children[i].size;
      }
    }
    return position;
  }

  /** Returns the number of visible items before {@code item}. */
  int visibleIndexOf(Item item) {
    Leaf leaf = item.leaf;
    int end = indexInLeaf(leaf, item);
    int position = 0;
    for (int i = 0; i < end; i++) {
      if (leaf.shown[i]) {
        position++;
      }
    }
    Node node = leaf;
    for (Branch parent = node.parent; parent != null; node = parent, parent = parent.parent) {
      for (int i = 0; parent.children[i] != node; i++) {
        position += parent.children[i].visible;
      }
    }
    return position;
  }

  boolean isVisible(Item item) {
    return item.leaf.shown[indexInLeaf(item.leaf, item)];
  }

  /** Sets whether {@code item} is visible and updates the counts above it. */
  void setVisible(Item item, boolean visible) {
    Leaf leaf = item.leaf;
    int i = indexInLeaf(leaf, item);
    if (leaf.shown[i] == visible) {
      return;
    }
    leaf.shown[i] = visible;
    int delta = visible ? 1 : -1;
    for (Node node = leaf; node != null; node = node.parent) {
      node.visible += delta;
    }
  }

  /** Inserts {@code item} directly after {@code left}, or at the start when it is null. */
  void insertAfter(Item left, Item item, boolean visible) {
    Leaf leaf = left == null ? firstLeaf : left.leaf;
    int position = left == null ? 0 : indexInLeaf(leaf, left) + 1;
    int tail = leaf.count - position;
    System.arraycopy(leaf.items, position, leaf.items, position + 1, tail);
    System.arraycopy(leaf.shown, position, leaf.shown, position + 1, tail);
    leaf.items[position] = item;
    leaf.shown[position] = visible;
    leaf.count++;
    item.leaf = leaf;
    int visibleDelta = visible ? 1 : 0;
    for (Node node = leaf; node != null; node = node.parent) {
      node.size++;
      node.visible += visibleDelta;
    }
    if (leaf.count > LEAF_CAPACITY) {
      boolean appended = position == leaf.count - 1;
      splitLeaf(leaf, appended ? LEAF_CAPACITY : leaf.count / 2);
    }
  }

  /** Calls {@code action} for every item in sequence order. */
  void forEach(java.util.function.Consumer<Item> action) {
    for (Leaf leaf = firstLeaf; leaf != null; leaf = leaf.next) {
      for (int i = 0; i < leaf.count; i++) {
        action.accept(leaf.items[i]);
      }
    }
  }

  /** Calls {@code action} for every visible item in sequence order. */
  void forEachVisible(java.util.function.Consumer<Item> action) {
    for (Leaf leaf = firstLeaf; leaf != null; leaf = leaf.next) {
      for (int i = 0; i < leaf.count; i++) {
        if (leaf.shown[i]) {
          action.accept(leaf.items[i]);
        }
      }
    }
  }

  private static int indexInLeaf(Leaf leaf, Item item) {
    Item[] items = leaf.items;
    for (int i = 0; i < leaf.count; i++) {
      if (items[i] == item) {
        return i;
      }
    }
    throw new IllegalStateException("item " + item.id() + " is not in its leaf");
  }

  /** Moves the items from {@code splitAt} on into a new leaf placed after {@code leaf}. */
  private void splitLeaf(Leaf leaf, int splitAt) {
    Leaf right = new Leaf();
    int moved = leaf.count - splitAt;
    System.arraycopy(leaf.items, splitAt, right.items, 0, moved);
    System.arraycopy(leaf.shown, splitAt, right.shown, 0, moved);
    int movedVisible = 0;
    for (int i = 0; i < moved; i++) {
      right.items[i].leaf = right;
      if (right.shown[i]) {
        movedVisible++;
      }
    }
    Arrays.fill(leaf.items, splitAt, leaf.count, null);
    right.count = moved;
    right.size = moved;
    right.visible = movedVisible;
    leaf.count = splitAt;
    leaf.size = splitAt;
    leaf.visible -= movedVisible;
    right.next = leaf.next;
    leaf.next = right;
    attachAfter(leaf, right);
  }

  /**
   * Makes {@code added} the next sibling of {@code existing}. The items of {@code added} were
   * counted in {@code existing} before, so the totals of the common ancestors stay correct.
   */
  private void attachAfter(Node existing, Node added) {
    Branch parent = existing.parent;
    if (parent == null) {
      Branch newRoot = new Branch();
      newRoot.children[0] = existing;
      newRoot.children[1] = added;
      newRoot.count = 2;
      newRoot.size = existing.size + added.size;
      newRoot.visible = existing.visible + added.visible;
      existing.parent = newRoot;
      added.parent = newRoot;
      root = newRoot;
      return;
    }
    int position = 0;
    while (parent.children[position] != existing) {
      position++;
    }
    position++;
    System.arraycopy(
        parent.children, position, parent.children, position + 1, parent.count - position);
    parent.children[position] = added;
    parent.count++;
    added.parent = parent;
    if (parent.count > BRANCH_CAPACITY) {
      splitBranch(parent);
    }
  }

  private void splitBranch(Branch branch) {
    Branch right = new Branch();
    int splitAt = branch.count / 2;
    int moved = branch.count - splitAt;
    System.arraycopy(branch.children, splitAt, right.children, 0, moved);
    Arrays.fill(branch.children, splitAt, branch.count, null);
    for (int i = 0; i < moved; i++) {
      Node child = right.children[i];
      child.parent = right;
      right.size += child.size;
      right.visible += child.visible;
    }
    right.count = moved;
    branch.count = splitAt;
    branch.size -= right.size;
    branch.visible -= right.visible;
    attachAfter(branch, right);
  }
}
