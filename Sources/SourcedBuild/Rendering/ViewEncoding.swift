import SourcedCore
import Synchronization

/// A value a template places. Each stored property is a template variable, named in
/// snake_case (`pageTitle` is `{{page_title}}`); a nil property is absent, so `{{#x}}` is
/// false. Views hold strings, booleans, integers, lists and other views.
///
/// The same encoding gives the Mustache context (`context`) and the key of the file the
/// view makes (`ViewKey`), so a new property is placed and keyed by adding it.
protocol TemplateView: Encodable, Sendable {}

extension TemplateView {
    /// The view as Mustache reads it: `[String: Any]` of strings, booleans, integers and lists.
    var context: [String: Any] {
        let builder = ContextBuilder()
        try? ViewEncoder(sink: builder, purpose: .context).encode(self)
        return builder.result as? [String: Any] ?? [:]
    }
}

/// What a view is encoded for: a `Pieces` value is its items in a key, nothing in a context.
enum ViewPurpose {
    case context, key

    /// The sink of `encoder` when it encodes a key, for a value hashed by its wire form.
    static func keySink(_ encoder: any Encoder) -> ViewSink? {
        guard let state = encoder as? EncoderState, state.purpose == .key else { return nil }
        return state.sink
    }
}

/// A hash of a file's views with what every file is made from (`common`): two builds that
/// give a file the same key write the same bytes (see `OutputManifest`).
enum ViewKey {
    /// Nil when a view holds a value it cannot encode: a key of part of the views could match
    /// a file made from other ones, so such a file is always made.
    static func of(_ path: String, _ views: [any TemplateView], common: String) -> String? {
        let hasher = KeyHasher()
        hasher.head(common, path)
        do {
            for view in views { try ViewEncoder(sink: hasher, purpose: .key).encode(view) }
        } catch {
            return nil
        }
        return hasher.finish()
    }
}

/// Receives a view's encoding event by event.
protocol ViewSink: AnyObject {
    func beginMap()
    /// A map of the view type `shape` (its coding keys' type): a sink that builds maps can
    /// make each the size the last one of that shape grew to.
    func beginMap(shape: ObjectIdentifier)
    func beginList()
    func end()
    func key(_ name: String)
    func string(_ value: String)
    func int(_ value: Int)
    func bool(_ value: Bool)
    /// A value with a wire form (`WireCodable`), in a key: the form is the value, whole.
    func wire(_ value: any WireCodable)
}

extension ViewSink {
    func beginMap(shape: ObjectIdentifier) { beginMap() }
}

/// Builds the Mustache context, snake-casing each property name.
///
/// The open maps and lists are kept in arrays of their own and changed in place: a frame taken
/// out of a stack to be changed is a second reference, so each insert copied the whole map.
final class ContextBuilder: ViewSink {
    private enum Frame {
        case map(shape: ObjectIdentifier?)
        case list
    }
    @exclusivity(unchecked) private var frames: [Frame] = []
    @exclusivity(unchecked) private var maps: [[String: Any]] = []
    @exclusivity(unchecked) private var keys: [String] = []
    @exclusivity(unchecked) private var lists: [[Any]] = []
    /// How many entries the last map of each shape had: a map made at its size is not grown
    /// (and rehashed) key by key, which was half of making the review dashboard's context.
    private var sizes: [ObjectIdentifier: Int] = [:]
    private(set) var result: Any?

    func beginMap() { begin(shape: nil) }
    func beginMap(shape: ObjectIdentifier) { begin(shape: shape) }

    private func begin(shape: ObjectIdentifier?) {
        frames.append(.map(shape: shape))
        maps.append(Dictionary(minimumCapacity: shape.flatMap { sizes[$0] } ?? 0))
        keys.append("")
    }

    func beginList() {
        frames.append(.list)
        lists.append([])
    }

    func end() {
        switch frames.removeLast() {
        case .map(let shape):
            keys.removeLast()
            let map = maps.removeLast()
            if let shape { sizes[shape] = map.count }
            put(map)
        case .list:
            put(lists.removeLast())
        }
    }

    func key(_ name: String) { keys[keys.count - 1] = Self.contextName(name) }

    /// Property names as templates say them, each worked out once: views have a few dozen, and
    /// converting each anew allocated a string per property per page.
    private static let names = Mutex<[String: String]>([:])

    static func contextName(_ name: String) -> String {
        guard name.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return name }
        if let known = names.withLock({ $0[name] }) { return known }
        let converted = snakeCase(name)
        names.withLock { $0[name] = converted }
        return converted
    }

    func string(_ value: String) { put(value) }
    func int(_ value: Int) { put(value) }
    func bool(_ value: Bool) { put(value) }
    /// Never called: a context holds no wire forms (`EncoderState` hands them only to keys).
    func wire(_ value: any WireCodable) {}

    private func put(_ value: Any) {
        switch frames.last {
        case nil: result = value
        case .map?: maps[maps.count - 1][keys[keys.count - 1]] = value
        case .list: lists[lists.count - 1].append(value)
        }
    }

    /// `pageTitle` → `page_title`.
    static func snakeCase(_ name: String) -> String {
        guard name.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return name }
        var out = ""
        for scalar in name.unicodeScalars {
            if scalar.value >= 0x41, scalar.value <= 0x5A {
                out += "_"
                out.unicodeScalars.append(Unicode.Scalar(scalar.value + 0x20)!)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// SHA-256 of the events, each tagged, 64 KB at a time (the reference index's 66,000 entries
/// would be megabytes at once).
final class KeyHasher: ViewSink {
    @exclusivity(unchecked) private var hash = SHA256()
    @exclusivity(unchecked) private var wire = WireWriter()

    func head(_ common: String, _ path: String) {
        wire.write("view key 1")
        wire.write(common)
        wire.write(path)
    }

    func beginMap() { tag(1) }
    func beginList() { tag(2) }
    func end() { tag(3) }
    func key(_ name: String) {
        tag(4)
        wire.write(name)
    }
    func string(_ value: String) {
        tag(5)
        guard value.utf8.count >= 1 << 12 else {
            wire.write(value)
            if wire.bytes.count >= 1 << 16 { flush() }
            return
        }
        // A page body: hashed where it lies, not copied first.
        wire.write(value.utf8.count)
        flush()
        var value = value
        value.withUTF8 { hash.update(bufferPointer: UnsafeRawBufferPointer($0)) }
    }
    func int(_ value: Int) {
        tag(6)
        wire.write(value)
    }
    func bool(_ value: Bool) { tag(value ? 7 : 8) }
    /// A wire form needs no length: a type's form is read back whole, so none is a prefix of
    /// another, and the view's type fixes which type stands here.
    func wire(_ value: any WireCodable) {
        tag(9)
        value.write(to: &wire)
        if wire.bytes.count >= 1 << 16 { flush() }
    }

    private func tag(_ byte: Int) { wire.write(byte) }

    private func flush() {
        hash.update(data: wire.bytes)
        wire.removeAll()
    }

    func finish() -> String {
        flush()
        return Fingerprint.hex(hash.finalize())
    }
}

/// An `Encoder` that hands a view's values to a `ViewSink` as they come. Views are encoded by
/// their synthesized `encode(to:)`, one property after another, so nothing needs buffering.
struct ViewEncoder {
    let sink: ViewSink
    let purpose: ViewPurpose

    func encode(_ value: some Encodable) throws {
        try EncoderState(sink: sink, purpose: purpose).encodeValue(value)
    }
}

/// Thrown for a value a view cannot hold (a floating-point number, a nested container).
struct ViewEncodingFailure: Error {}

/// One encoder for a whole view: values are encoded strictly one inside another, so each
/// nested value reuses it (a new encoder per value was most of the cost of a key).
final class EncoderState: Encoder {
    /// Unowned: `ViewEncoder` holds the sink for the whole encoding, and a retain per event
    /// was a tenth of a key.
    unowned(unsafe) let sink: ViewSink
    let purpose: ViewPurpose
    /// Empty: `ViewPurpose.keySink` reads the purpose from the encoder itself.
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var codingPath: [any CodingKey] { [] }
    /// Whether the value being encoded opened a map or a list, which `encodeValue` then ends.
    @exclusivity(unchecked) private var opened = false

    init(sink: ViewSink, purpose: ViewPurpose) {
        self.sink = sink
        self.purpose = purpose
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        open { $0.beginMap(shape: ObjectIdentifier(Key.self)) }
        return KeyedEncodingContainer(Keyed<Key>(state: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        open { $0.beginList() }
        return Unkeyed(state: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { Single(state: self) }

    private func open(_ begin: (ViewSink) -> Void) {
        guard !opened else { return }
        opened = true
        begin(sink)
    }

    /// A string, boolean or integer straight to the sink; anything else through its own
    /// `encode(to:)`, which opens a map or a list that this then ends.
    func encodeValue<T: Encodable>(_ value: T) throws {
        // Types compared, not cast: a failed dynamic cast costs more than the whole event.
        if T.self == String.self {
            sink.string(unsafeBitCast(value, to: String.self))
        } else if T.self == Int.self {
            sink.int(unsafeBitCast(value, to: Int.self))
        } else if T.self == Bool.self {
            sink.bool(unsafeBitCast(value, to: Bool.self))
        } else if T.self == Double.self || T.self == Float.self {
            throw ViewEncodingFailure()
        } else {
            let outer = opened
            opened = false
            defer { opened = outer }
            try value.encode(to: self)
            if opened { sink.end() }
        }
    }

    func unsupported() throws -> Never { throw ViewEncodingFailure() }

    private struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let state: EncoderState
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) throws {}
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            state.sink.key(key.stringValue)
            try state.encodeValue(value)
        }
        mutating func encode(_ value: Bool, forKey key: Key) throws {
            state.sink.key(key.stringValue)
            state.sink.bool(value)
        }
        mutating func encode(_ value: String, forKey key: Key) throws {
            state.sink.key(key.stringValue)
            state.sink.string(value)
        }
        mutating func encode(_ value: Int, forKey key: Key) throws {
            state.sink.key(key.stringValue)
            state.sink.int(value)
        }
        mutating func encode(_ value: Double, forKey key: Key) throws { try state.unsupported() }
        mutating func encode(_ value: Float, forKey key: Key) throws { try state.unsupported() }
        mutating func encode(_ value: Int8, forKey key: Key) throws { try encode(Int(value), forKey: key) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { try encode(Int(value), forKey: key) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { try encode(Int(value), forKey: key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { try encode(Int(value), forKey: key) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { try encode(Int(value), forKey: key) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { try encode(Int(value), forKey: key) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { try encode(Int(value), forKey: key) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { try encode(Int(value), forKey: key) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { try encode(Int(value), forKey: key) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
            -> KeyedEncodingContainer<NestedKey>
        {
            preconditionFailure("views encode each property whole")
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            preconditionFailure("views encode each property whole")
        }
        mutating func superEncoder() -> any Encoder { preconditionFailure("views have no superclass") }
        mutating func superEncoder(forKey key: Key) -> any Encoder { preconditionFailure("views have no superclass") }
    }

    private struct Unkeyed: UnkeyedEncodingContainer, ForwardsPrimitives {
        let state: EncoderState
        var codingPath: [any CodingKey] { [] }
        private(set) var count = 0

        init(state: EncoderState) { self.state = state }

        mutating func encodeNil() throws { try state.unsupported() }
        mutating func encode<T: Encodable>(_ value: T) throws { try encodeWhole(value) }
        mutating func encodeWhole<T: Encodable>(_ value: T) throws {
            count += 1
            try state.encodeValue(value)
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
            -> KeyedEncodingContainer<NestedKey>
        {
            preconditionFailure("views encode each element whole")
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            preconditionFailure("views encode each element whole")
        }
        mutating func superEncoder() -> any Encoder { preconditionFailure("views have no superclass") }
    }

    private struct Single: SingleValueEncodingContainer, ForwardsPrimitives {
        let state: EncoderState
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil() throws { try state.unsupported() }
        mutating func encode<T: Encodable>(_ value: T) throws { try encodeWhole(value) }
        func encodeWhole<T: Encodable>(_ value: T) throws { try state.encodeValue(value) }
    }
}

/// The primitive overloads of the unkeyed and single-value containers, each one value whole.
private protocol ForwardsPrimitives {
    mutating func encodeWhole<T: Encodable>(_ value: T) throws
}

extension ForwardsPrimitives {
    mutating func encode(_ value: Bool) throws { try encodeWhole(value) }
    mutating func encode(_ value: String) throws { try encodeWhole(value) }
    mutating func encode(_ value: Int) throws { try encodeWhole(value) }
    mutating func encode(_ value: Int8) throws { try encodeWhole(Int(value)) }
    mutating func encode(_ value: Int16) throws { try encodeWhole(Int(value)) }
    mutating func encode(_ value: Int32) throws { try encodeWhole(Int(value)) }
    mutating func encode(_ value: Int64) throws { try encodeWhole(Int(value)) }
    mutating func encode(_ value: UInt) throws { try encodeWhole(Int(value)) }
    mutating func encode(_ value: UInt8) throws { try encodeWhole(Int(value)) }
    mutating func encode(_ value: UInt16) throws { try encodeWhole(Int(value)) }
    mutating func encode(_ value: UInt32) throws { try encodeWhole(Int(value)) }
    mutating func encode(_ value: UInt64) throws { try encodeWhole(Int(value)) }
    mutating func encode(_ value: Double) throws { throw ViewEncodingFailure() }
    mutating func encode(_ value: Float) throws { throw ViewEncodingFailure() }
}
