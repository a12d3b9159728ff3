import CLibCrypto

/// SHA-256, computed by Debian's libcrypto (OpenSSL 3, whose SHA-256 uses the CPU's SHA or AVX2
/// instructions). A value type: a copy made part-way hashes on independently.
struct SHA256 {
    /// The 32 bytes of a finished hash.
    struct Digest: Sequence, Equatable {
        static let byteCount = 32
        var bytes: [UInt8]

        func makeIterator() -> IndexingIterator<[UInt8]> { bytes.makeIterator() }
    }

    /// The algorithm, fetched once per process: `EVP_sha256()` would look it up in the
    /// provider tables at every start.
    nonisolated(unsafe) private static let algorithm: OpaquePointer = {
        guard let algorithm = EVP_MD_fetch(nil, "SHA256", nil) else {
            fatalError("libcrypto offers no SHA-256 (EVP_MD_fetch failed)")
        }
        return algorithm
    }()

    /// Owns an `EVP_MD_CTX`; shared by copies until one of them hashes on.
    private final class State {
        let context: OpaquePointer

        init() {
            guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, SHA256.algorithm, nil) == 1 else {
                fatalError("libcrypto could not start a SHA-256 hash")
            }
            self.context = context
        }

        init(copying other: State) {
            guard let context = EVP_MD_CTX_new(), EVP_MD_CTX_copy_ex(context, other.context) == 1 else {
                fatalError("libcrypto could not copy a SHA-256 hash")
            }
            self.context = context
        }

        deinit { EVP_MD_CTX_free(context) }
    }

    private var state = State()

    init() {}

    mutating func update(bufferPointer bytes: UnsafeRawBufferPointer) {
        if !isKnownUniquelyReferenced(&state) { state = State(copying: state) }
        guard bytes.count > 0 else { return }
        EVP_DigestUpdate(state.context, bytes.baseAddress, bytes.count)
    }

    mutating func update(data bytes: [UInt8]) {
        bytes.withUnsafeBytes { update(bufferPointer: $0) }
    }

    /// The hash of everything given; the hasher is spent (a copy taken before goes on).
    func finalize() -> Digest {
        let finished = State(copying: state)
        var digest = [UInt8](repeating: 0, count: Digest.byteCount)
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(finished.context, &digest, &length) == 1, length == Digest.byteCount else {
            fatalError("libcrypto could not finish a SHA-256 hash")
        }
        return Digest(bytes: digest)
    }

    static func hash(data bytes: [UInt8]) -> Digest {
        var digest = [UInt8](repeating: 0, count: Digest.byteCount)
        var length: UInt32 = 0
        let done = bytes.withUnsafeBytes { EVP_Digest($0.baseAddress, $0.count, &digest, &length, algorithm, nil) }
        guard done == 1, length == Digest.byteCount else { fatalError("libcrypto could not hash with SHA-256") }
        return Digest(bytes: digest)
    }
}
