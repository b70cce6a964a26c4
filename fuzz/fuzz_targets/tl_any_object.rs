//! `AnyObject::from_bytes` on arbitrary bytes: never panics, and whatever decodes
//! re-encodes to bytes that are a fixed point of decode → encode. (Values are not
//! compared with `==`: a NaN `double` is legal input and never equals itself.)
#![no_main]

use ferrogram_tl_types::AnyObject;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(obj) = AnyObject::from_bytes(data) {
        let again = obj.to_bytes();
        // Encoders write zero padding and canonical lengths, so bytes may differ from
        // the input, but the value must survive a second round.
        let back = AnyObject::from_bytes(&again).expect("re-encoded value decodes");
        assert_eq!(back.to_bytes(), again);
    }
});
