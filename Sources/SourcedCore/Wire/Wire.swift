/// A compact binary form for the values a worker process sends back: no keys, no escaping,
/// each field written in declaration order. Both ends are the same `sourced` binary, so the
/// format carries no version; a round-trip test keeps each type's writer and reader in step.
///
/// It exists because the JSON form cost about 1 ms a page on 10,000 pages (parsing the
/// reply dominated the parent's profile), which made the worker pool twice as slow as
/// parsing in-process.
package protocol WireCodable {
    func write(to wire: inout WireWriter)
    init(from wire: inout WireReader) throws(WireError)
}

package struct WireError: Error, Equatable {
    /// Where the reader was; 0 when a whole value was wrong rather than one byte.
    package var offset: Int

    package init(offset: Int = 0) {
        self.offset = offset
    }
}

/// Appends values: integers as LEB128 (zig-zag for sign), strings as length and UTF-8.
package struct WireWriter {
    package private(set) var bytes: [UInt8] = []

    package init() {}

    /// Empties the buffer, keeping its storage, for a writer whose bytes are handed on in parts.
    package mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
    }

    package mutating func write(_ value: Int) {
        var rest = UInt64(bitPattern: Int64(value) << 1 ^ Int64(value) >> 63)
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    package mutating func write(_ value: Bool) {
        bytes.append(value ? 1 : 0)
    }

    package mutating func write(_ value: String) {
        // A native string's bytes where they lie; a copy (`withUTF8` needs one) retains it.
        let written: Void? = value.utf8.withContiguousStorageIfAvailable { utf8 in
            write(utf8.count)
            bytes.append(contentsOf: utf8)
        }
        guard written == nil else { return }
        var value = value
        value.withUTF8 { utf8 in
            write(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    /// Bytes another writer wrote, as they are.
    package mutating func write(raw: [UInt8]) {
        bytes += raw
    }

    package mutating func write(_ value: some WireCodable) {
        value.write(to: &self)
    }

    package mutating func write(_ value: (some WireCodable)?) {
        write(value != nil)
        value?.write(to: &self)
    }

    package mutating func write(_ values: [some WireCodable]) {
        write(values.count)
        for value in values { value.write(to: &self) }
    }
}

/// Reads what `WireWriter` wrote, in the same order; throws at the first byte out of place.
package struct WireReader {
    private let bytes: [UInt8]
    private var offset = 0

    package init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    package var isAtEnd: Bool { offset == bytes.count }

    package mutating func read() throws(WireError) -> Int {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count, shift < 64 else { throw WireError(offset: offset) }
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        return Int(Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1))
    }

    package mutating func read() throws(WireError) -> Bool {
        guard offset < bytes.count, bytes[offset] <= 1 else { throw WireError(offset: offset) }
        offset += 1
        return bytes[offset - 1] == 1
    }

    package mutating func read() throws(WireError) -> String {
        let count: Int = try read()
        guard count >= 0, count <= bytes.count - offset else { throw WireError(offset: offset) }
        defer { offset += count }
        return String(decoding: bytes[offset..<(offset + count)], as: UTF8.self)
    }

    package mutating func read<T: WireCodable>() throws(WireError) -> T {
        try T(from: &self)
    }

    package mutating func read<T: WireCodable>() throws(WireError) -> T? {
        let present: Bool = try read()
        return present ? try T(from: &self) : nil
    }

    package mutating func read<T: WireCodable>() throws(WireError) -> [T] {
        let count: Int = try read()
        // Every element takes at least one byte, so a count beyond that is corrupt input.
        guard count >= 0, count <= bytes.count - offset else { throw WireError(offset: offset) }
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try T(from: &self)) }
        return values
    }

    /// A string-backed enum's raw value.
    package mutating func readRawValue<T: RawRepresentable<String>>() throws(WireError) -> T {
        let start = offset
        guard let value = T(rawValue: try read()) else { throw WireError(offset: start) }
        return value
    }
}

extension String: WireCodable {
    package func write(to wire: inout WireWriter) { wire.write(self) }
    package init(from wire: inout WireReader) throws(WireError) { self = try wire.read() }
}

extension Int: WireCodable {
    package func write(to wire: inout WireWriter) { wire.write(self) }
    package init(from wire: inout WireReader) throws(WireError) { self = try wire.read() }
}

extension WireCodable where Self: RawRepresentable<String> {
    package func write(to wire: inout WireWriter) { wire.write(rawValue) }
    package init(from wire: inout WireReader) throws(WireError) { self = try wire.readRawValue() }
}
