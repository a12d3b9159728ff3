import SourcedCore

/// One file of the built site.
struct OutputFile: Sendable {
    enum Content: Sendable {
        /// Rendered text, written as its UTF-8 without another copy.
        case text(String)
        /// Rendered text in pieces, made and written one after another.
        case pieces(PieceStream)
        case bytes([UInt8])
        /// Copied as-is from this path.
        case copy(String)
    }

    /// Path inside the output folder.
    var path: String
    var content: Content

    init(_ path: String, _ text: String) {
        self.path = path
        content = .text(text)
    }

    init(_ path: String, pieces: PieceStream) {
        self.path = path
        content = .pieces(pieces)
    }

    init(_ path: String, bytes: [UInt8]) {
        self.path = path
        content = .bytes(bytes)
    }

    init(_ path: String, copyOf source: String) {
        self.path = path
        content = .copy(source)
    }
}

/// Text made piece by piece as it is written: a head, `count` pieces, a tail.
struct PieceStream: Sendable {
    var head: String
    var count: Int
    var piece: @Sendable (Int) -> String
    var tail: String

    func forEach(_ body: (String) throws -> Void) rethrows {
        try body(head)
        for index in 0..<count { try body(piece(index)) }
        try body(tail)
    }
}

/// One file as a build left it: the key it was made from and the file it was left in (any
/// write or replacement changes the stamp), so that a later build can keep it.
struct KeptFile: WireCodable, Sendable, Equatable {
    var key: String
    var stamp: OutputWriter.FileStamp

    func write(to wire: inout WireWriter) {
        wire.write(key)
        wire.write(stamp)
    }

    init(key: String, stamp: OutputWriter.FileStamp) {
        self.key = key
        self.stamp = stamp
    }

    init(from wire: inout WireReader) throws(WireError) {
        key = try wire.read()
        stamp = try wire.read()
    }
}
