package dev.tonearm.server.ingest;

import dev.tonearm.server.catalog.SeekPoint;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Seek index of a native FLAC file from its frame headers (RFC 9639 section 9.1).
 *
 * <p>The scanner walks the audio bytes looking for the frame sync code. A candidate counts as a
 * frame only if its header is well-formed, its CRC-8 matches, and it starts at the sample where the
 * previous frame ended, which rules out sync patterns inside audio data. Each target frame maps to
 * the last frame that starts at or before it; FLAC frames decode independently.
 *
 * <p>Stateless and thread-safe.
 */
public final class FlacSeekIndexBuilder implements SeekIndexBuilder {
  private static final int[] CRC8_TABLE = crc8Table();
  private static final int MAX_HEADER_BYTES = 16;

  @Override
  public EncodedLayout build(Path file, long intervalMs) throws IOException, IngestException {
    FlacProbe.FlacHeader header = FlacProbe.readHeader(file);
    ProbeResult probe = header.probe();
    List<long[]> frames = scanFrames(file, header);
    long totalFrames = probe.totalFrames();
    long intervalFrames = Math.max(1, probe.sampleRateHz() * intervalMs / 1000);
    List<SeekPoint> points = new ArrayList<>();
    points.add(new SeekPoint(0, 0));
    int frame = 0;
    for (long target = intervalFrames; target < totalFrames; target += intervalFrames) {
      while (frame + 1 < frames.size() && frames.get(frame + 1)[0] <= target) {
        frame++;
      }
      if (!frames.isEmpty() && frames.get(frame)[0] <= target) {
        points.add(new SeekPoint(target, frames.get(frame)[1]));
      }
    }
    return new EncodedLayout(probe.sampleRateHz(), probe.channels(), totalFrames, 0, points);
  }

  /**
   * Returns {firstSample, byteOffset, blockSize} of every frame, in order, reading 1 MiB at a time.
   */
  private static List<long[]> scanFrames(Path file, FlacProbe.FlacHeader header)
      throws IOException {
    List<long[]> frames = new ArrayList<>();
    byte[] buffer = new byte[1 << 20];
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      in.skipNBytes(header.audioOffset());
      long bufferOffset = header.audioOffset();
      int length = in.readNBytes(buffer, 0, buffer.length);
      boolean endOfFile = length < buffer.length;
      long expectedSample = 0;
      int i = 0;
      while (true) {
        int limit = endOfFile ? length : length - MAX_HEADER_BYTES;
        for (; i < limit; i++) {
          if ((buffer[i] & 0xFF) != 0xFF || (buffer[i + 1 < length ? i + 1 : i] & 0xFE) != 0xF8) {
            continue;
          }
          long[] parsed = parseFrameHeader(buffer, length, i, header.maxBlockSize());
          if (parsed == null || parsed[0] != expectedSample) {
            continue;
          }
          frames.add(new long[] {parsed[0], bufferOffset + i, parsed[1]});
          expectedSample = parsed[0] + parsed[1];
        }
        if (endOfFile) {
          return frames;
        }
        System.arraycopy(buffer, i, buffer, 0, length - i);
        bufferOffset += i;
        length -= i;
        i = 0;
        int read = in.readNBytes(buffer, length, buffer.length - length);
        endOfFile = read < buffer.length - length;
        length += read;
      }
    }
  }

  /**
   * Returns the sample at which the last frame header found ends: the stream's length when the
   * file is complete, less when it was cut short.
   */
  static long scannedLengthFrames(Path file) throws IOException, IngestException {
    List<long[]> frames = scanFrames(file, FlacProbe.readHeader(file));
    if (frames.isEmpty()) {
      return 0;
    }
    long[] last = frames.get(frames.size() - 1);
    return last[0] + last[2];
  }

  /** Returns {firstSample, blockSize} for a valid header at {@code start}, else null. */
  private static long[] parseFrameHeader(
      byte[] data, int dataLength, int start, int streamBlockSize) {
    int end = Math.min(dataLength, start + MAX_HEADER_BYTES);
    if (start + 5 > end) {
      return null;
    }
    boolean variable = (data[start + 1] & 0x01) != 0;
    int blockSizeCode = (data[start + 2] & 0xF0) >>> 4;
    int rateCode = data[start + 2] & 0x0F;
    int channelCode = (data[start + 3] & 0xF0) >>> 4;
    int sizeCode = (data[start + 3] & 0x0E) >>> 1;
    if (blockSizeCode == 0 || rateCode == 15 || channelCode > 10 || sizeCode == 3
        || (data[start + 3] & 0x01) != 0) {
      return null;
    }
    int position = start + 4;
    int lead = data[position] & 0xFF;
    int extraBytes;
    long number;
    if (lead < 0x80) {
      extraBytes = 0;
      number = lead;
    } else if (lead >= 0xC0 && lead <= 0xFE) {
      extraBytes = Integer.numberOfLeadingZeros(~(lead << 24)) - 1;
      number = lead & ((1 << (6 - extraBytes)) - 1);
    } else {
      return null;
    }
    position++;
    for (int i = 0; i < extraBytes; i++, position++) {
      if (position >= end || (data[position] & 0xC0) != 0x80) {
        return null;
      }
      number = number << 6 | (data[position] & 0x3F);
    }
    long blockSize;
    if (blockSizeCode == 1) {
      blockSize = 192;
    } else if (blockSizeCode <= 5) {
      blockSize = 576L << (blockSizeCode - 2);
    } else if (blockSizeCode == 6) {
      if (position >= end) {
        return null;
      }
      blockSize = (data[position++] & 0xFF) + 1;
    } else if (blockSizeCode == 7) {
      if (position + 1 >= end) {
        return null;
      }
      blockSize = ((data[position] & 0xFF) << 8 | (data[position + 1] & 0xFF)) + 1;
      position += 2;
    } else {
      blockSize = 256L << (blockSizeCode - 8);
    }
    if (rateCode == 12) {
      position += 1;
    } else if (rateCode == 13 || rateCode == 14) {
      position += 2;
    }
    if (position >= end) {
      return null;
    }
    int crc = 0;
    for (int i = start; i < position; i++) {
      crc = CRC8_TABLE[(crc ^ data[i]) & 0xFF];
    }
    if (crc != (data[position] & 0xFF)) {
      return null;
    }
    long firstSample = variable ? number : number * streamBlockSize;
    return new long[] {firstSample, blockSize};
  }

  /** CRC-8 with polynomial 0x07, initial value 0, as FLAC frame headers use. */
  private static int[] crc8Table() {
    int[] table = new int[256];
    for (int i = 0; i < 256; i++) {
      int crc = i;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x80) != 0 ? ((crc << 1) ^ 0x07) & 0xFF : (crc << 1) & 0xFF;
      }
      table[i] = crc;
    }
    return table;
  }
}
