package dev.tonearm.sync.traces;

import dev.tonearm.sync.PlaylistCrdt;

/** Replays editing traces through {@link PlaylistCrdt}, one list entry per character. */
public final class TraceReplay {
  private static final String[] CHARACTER_STRINGS = new String[Character.MAX_VALUE + 1];

  private TraceReplay() {}

  /** Returns the one-character string of {@code c}, shared so entries do not each own a copy. */
  public static String characterString(char c) {
    String text = CHARACTER_STRINGS[c];
    if (text == null) {
      text = String.valueOf(c);
      CHARACTER_STRINGS[c] = text;
    }
    return text;
  }

  /** Applies the patches of {@code txn} to {@code document} as local edits. */
  public static void applyLocally(PlaylistCrdt document, EditingTrace.Txn txn) {
    for (EditingTrace.Patch patch : txn.patches) {
      for (int i = 0; i < patch.deleteCount; i++) {
        document.remove(patch.position);
      }
      String text = patch.insertText;
      for (int i = 0; i < text.length(); i++) {
        document.add(patch.position + i, characterString(text.charAt(i)));
      }
    }
  }

  /** Returns the entries of {@code document} joined into a string. */
  public static String text(PlaylistCrdt document) {
    StringBuilder text = new StringBuilder(document.size());
    for (String entry : document.trackIds()) {
      text.append(entry);
    }
    return text.toString();
  }
}
