import Testing

@testable import SourcedBuild

/// SHA-256 from libcrypto, against FIPS 180-4's test vectors.
@Suite struct SHA256Tests {
    static let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    static let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    static let twoBlocks = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"

    @Test func oneShotMatchesTheStandardsVectors() {
        #expect(Fingerprint.hex(SHA256.hash(data: [])) == Self.empty)
        #expect(Fingerprint.hex(SHA256.hash(data: Array("abc".utf8))) == Self.abc)
        let message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(Fingerprint.hex(SHA256.hash(data: Array(message.utf8))) == Self.twoBlocks)
    }

    @Test func piecesHashLikeTheWholeAndACopyGoesOnAlone() {
        var hash = SHA256()
        hash.update(data: Array("ab".utf8))
        let copy = hash
        hash.update(data: Array("c".utf8))
        hash.update(data: [])
        #expect(Fingerprint.hex(hash.finalize()) == Self.abc)
        // Finishing does not spend the hasher, and the copy taken after "ab" never saw "c".
        #expect(Fingerprint.hex(hash.finalize()) == Self.abc)
        var other = copy
        other.update(data: Array("c".utf8))
        #expect(Fingerprint.hex(other.finalize()) == Self.abc)
        #expect(Fingerprint.hex(copy.finalize()) != Self.abc)
    }
}
