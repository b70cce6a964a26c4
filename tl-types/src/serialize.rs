//! Writing TL values into a caller-provided buffer.

/// The constructor id of a boxed `Vector t`.
pub const VECTOR_ID: u32 = 0x1cb5c415;
/// The constructor id of `boolTrue`.
pub const BOOL_TRUE_ID: u32 = 0x997275b5;
/// The constructor id of `boolFalse`.
pub const BOOL_FALSE_ID: u32 = 0xbc799737;

/// The longest `string` or `bytes` TL can encode: its length prefix has 24 bits
/// (16 MiB − 1).
pub const MAX_BYTES_LEN: usize = (1 << 24) - 1;

/// Records an oversized `string` or `bytes` for the running `try_to_bytes`,
/// or panics if none is running.
#[cold]
fn too_long(len: usize) {
    if CHECKING.get() == 0 {
        panic!("TL bytes of {len} bytes exceed the 16 MiB limit");
    }
    if TOO_LONG.get().is_none() {
        TOO_LONG.set(Some(len));
    }
}

/// A value that can be written in TL's binary form.
///
/// Boxed values (enums, constructor structs, functions) write their constructor id
/// first; primitives write their plain encoding. Writing appends to `buf` and never
/// allocates per field beyond growing `buf`.
///
/// Writing is infallible by design: every value of these types has an encoding,
/// except a `string` or `bytes` longer than [`MAX_BYTES_LEN`], which TL cannot
/// express. [`Serializable::try_to_bytes`] reports such a value as a
/// [`TooLongError`]; [`Serializable::to_bytes`] and `serialize` panic on it in
/// [`write_bytes`] rather than truncate it (silent data loss) or make every one of
/// thousands of generated writers return a `Result` that only this case could
/// fill. Code that puts data it does not control into a request uses
/// `try_to_bytes` (the client does for every request).
pub trait Serializable {
    /// Appends the TL encoding of `self` to `buf`.
    fn serialize(&self, buf: &mut Vec<u8>);

    /// The TL encoding of `self` as a new vector.
    ///
    /// # Panics
    /// If a `string` or `bytes` in it is longer than [`MAX_BYTES_LEN`].
    fn to_bytes(&self) -> Vec<u8> {
        let mut buf = Vec::new();
        self.serialize(&mut buf);
        buf
    }

    /// The TL encoding of `self`, or the length of the first `string` or
    /// `bytes` in it that TL cannot express.
    fn try_to_bytes(&self) -> Result<Vec<u8>, TooLongError> {
        let _checking = Checking::start();
        let mut buf = Vec::new();
        self.serialize(&mut buf);
        match TOO_LONG.take() {
            Some(len) => Err(TooLongError { len }),
            None => Ok(buf),
        }
    }
}

/// A `string` or `bytes` longer than TL's 24-bit length prefix can express.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TooLongError {
    /// Its length.
    pub len: usize,
}

impl std::fmt::Display for TooLongError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "TL string or bytes of {} bytes exceed the {MAX_BYTES_LEN}-byte limit",
            self.len
        )
    }
}

impl std::error::Error for TooLongError {}

thread_local! {
    /// How many `try_to_bytes` are running on this thread: while any is,
    /// `write_bytes` records an oversized value instead of panicking.
    static CHECKING: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    /// The first oversized length seen while checking.
    static TOO_LONG: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}

/// Marks a `try_to_bytes` as running until dropped (also when unwinding, so a
/// panic elsewhere never leaves the thread in checking mode).
struct Checking;

impl Checking {
    fn start() -> Self {
        CHECKING.set(CHECKING.get().saturating_add(1));
        Checking
    }
}

impl Drop for Checking {
    fn drop(&mut self) {
        CHECKING.set(CHECKING.get().saturating_sub(1));
    }
}

/// A constructor written without its id, as it appears inside bare vectors (`vector<future_salt>`)
/// and `%T` fields.
pub trait BareSerializable {
    /// Appends the fields of `self`, without the constructor id, to `buf`.
    fn serialize_bare(&self, buf: &mut Vec<u8>);
}

impl Serializable for i32 {
    #[inline]
    fn serialize(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&self.to_le_bytes());
    }
}

impl Serializable for u32 {
    #[inline]
    fn serialize(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&self.to_le_bytes());
    }
}

impl Serializable for i64 {
    #[inline]
    fn serialize(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&self.to_le_bytes());
    }
}

impl Serializable for f64 {
    #[inline]
    fn serialize(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&self.to_le_bytes());
    }
}

/// TL's boxed `Bool`: `boolTrue` or `boolFalse`.
impl Serializable for bool {
    #[inline]
    fn serialize(&self, buf: &mut Vec<u8>) {
        let id = if *self { BOOL_TRUE_ID } else { BOOL_FALSE_ID };
        buf.extend_from_slice(&id.to_le_bytes());
    }
}

/// `int128` and `int256` are written as their raw bytes.
impl<const N: usize> Serializable for [u8; N] {
    #[inline]
    fn serialize(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(self);
    }
}

impl Serializable for str {
    #[inline]
    fn serialize(&self, buf: &mut Vec<u8>) {
        write_bytes(buf, self.as_bytes());
    }
}

impl Serializable for compact_str::CompactString {
    #[inline]
    fn serialize(&self, buf: &mut Vec<u8>) {
        write_bytes(buf, self.as_bytes());
    }
}

impl Serializable for String {
    #[inline]
    fn serialize(&self, buf: &mut Vec<u8>) {
        write_bytes(buf, self.as_bytes());
    }
}

/// TL `bytes`: a length prefix, the data and padding (not a vector of bytes: TL
/// has no byte type).
impl Serializable for Vec<u8> {
    #[inline]
    fn serialize(&self, buf: &mut Vec<u8>) {
        write_bytes(buf, self);
    }
}

/// A boxed `Vector t`: the vector id, the count, then each element.
impl<T: Serializable> Serializable for Vec<T> {
    #[inline]
    fn serialize(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&VECTOR_ID.to_le_bytes());
        write_items(buf, self);
    }
}

/// A conditional field: its value if present, nothing if not (its flag bit says
/// which).
#[inline]
pub fn write_some<T: Serializable>(buf: &mut Vec<u8>, value: &Option<T>) {
    if let Some(x) = value {
        x.serialize(buf);
    }
}

/// A bare `vector t` of boxed (or primitive) elements: the count, then each element.
pub fn write_items<T: Serializable>(buf: &mut Vec<u8>, items: &[T]) {
    write_len(buf, items.len());
    for item in items {
        item.serialize(buf);
    }
}

/// A vector of bare constructors (`vector<%T>`, `Vector<%T>` after its id): the
/// count, then each element's fields without an id.
pub fn write_bare_items<T: BareSerializable>(buf: &mut Vec<u8>, items: &[T]) {
    write_len(buf, items.len());
    for item in items {
        item.serialize_bare(buf);
    }
}

/// Every constructor and function struct: its id, then its fields.
impl<T: crate::Identifiable + BareSerializable> Serializable for T {
    #[inline]
    fn serialize(&self, buf: &mut Vec<u8>) {
        buf.extend_from_slice(&T::CONSTRUCTOR_ID.to_le_bytes());
        self.serialize_bare(buf);
    }
}

/// Writes a vector or container count.
///
/// # Panics
/// If `len` does not fit TL's 32-bit count, which no real message can reach.
#[inline]
pub fn write_len(buf: &mut Vec<u8>, len: usize) {
    let len = u32::try_from(len).expect("TL vector longer than 2^32 elements");
    buf.extend_from_slice(&len.to_le_bytes());
}

/// Writes TL `bytes` (and `string`): a length prefix, the data, and zero padding to a
/// multiple of four.
///
/// # Panics
/// If `data` is longer than [`MAX_BYTES_LEN`], which TL cannot encode, unless a
/// [`Serializable::try_to_bytes`] is running on this thread: it then records
/// the length, writes nothing, and `try_to_bytes` returns the error.
#[inline]
pub fn write_bytes(buf: &mut Vec<u8>, data: &[u8]) {
    let len = data.len();
    let Ok(short) = u8::try_from(len) else {
        return write_long_bytes(buf, data);
    };
    if short >= 254 {
        return write_long_bytes(buf, data);
    }
    // One byte of length, the data, then zeros to the next multiple of 4: three
    // zeros are written and the surplus cut off again, which costs two stores
    // where a variable-length padding write is a call to `memset`.
    // `(len | 3) + 1` is `1 + len` rounded up to a multiple of 4; the sum cannot
    // wrap while `buf` fits in memory.
    let end = buf.len().wrapping_add((len | 3).wrapping_add(1));
    buf.push(short);
    buf.extend_from_slice(data);
    buf.extend_from_slice(&[0; 3]);
    buf.truncate(end);
}

/// [`write_bytes`] for data of 254 bytes or more: a 4-byte length prefix
/// (`254` and 24 bits of length), kept out of line so the short case inlines.
#[cold]
#[inline(never)]
fn write_long_bytes(buf: &mut Vec<u8>, data: &[u8]) {
    let len = data.len();
    let Some(long) = u32::try_from(len).ok().filter(|_| len <= MAX_BYTES_LEN) else {
        too_long(len);
        return;
    };
    let [l0, l1, l2, _] = long.to_le_bytes();
    buf.extend_from_slice(&[254, l0, l1, l2]);
    buf.extend_from_slice(data);
    // To the next multiple of 4 (the header is 4 bytes, so the data decides).
    let end = buf.len().wrapping_add(len.wrapping_neg() & 3);
    buf.extend_from_slice(&[0; 3]);
    buf.truncate(end);
}
