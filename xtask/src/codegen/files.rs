//! The generated files: the module root, types, functions, enums, `AnyObject` and
//! the test of every `new(…)`.

use super::*;

impl Generator<'_> {
    // ----- files ----------------------------------------------------------------

    /// A test calling every generated `new(…)` with random values of the types it
    /// takes, checking that the value encodes bytes its own decoder reads back.
    pub(super) fn constructors_test(&self) -> TokenStream {
        let mut calls = Vec::new();
        // Whether some `new` takes a bare constructor (none does in layer 230).
        let mut uses_named = false;
        for (idx, d) in self.defs.iter().enumerate() {
            let required = self.new_args(d.def);
            if required.is_empty() {
                continue;
            }
            let args: Vec<TokenStream> = required
                .iter()
                .map(|(_, k)| match k {
                    Kind::Enum(full) => quote!(boxed(w, #full)),
                    Kind::BareCtor(i) => {
                        uses_named = true;
                        let name = self.defs[*i].def.full_name();
                        quote!(named(w, #name))
                    }
                    _ => quote!(crate::functions::help::GetConfig {}),
                })
                .collect();
            let path = self.struct_path(idx);
            calls.push(quote!(check(#path::new(#(#args),*));));
        }
        let named = if uses_named {
            quote! {
                fn named<T: Deserializable>(w: &World, name: &str) -> T {
                    let mut bytes = Vec::new();
                    w.write_named(name, &mut Rng(0x5eed), &mut bytes);
                    T::from_bytes(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
                }
            }
        } else {
            quote!()
        };
        let chunks = calls.chunks(100).enumerate().map(|(i, chunk)| {
            let name = format_ident!("constructors_{i:02}");
            quote! {
                #[test]
                fn #name() {
                    WORLD.with(|w| { #(#chunk)* });
                }
            }
        });
        quote! {
            //! Every generated `new(…)`, given random values of the types it takes,
            //! encodes bytes its own decoder reads back as the same value.

            use super::common::{Rng, World};
            use crate::{Deserializable, Serializable};

            thread_local!(static WORLD: World = World::load());

            fn boxed<T: Deserializable>(w: &World, full_type: &str) -> T {
                let mut bytes = Vec::new();
                w.write_boxed(full_type, &mut Rng(0x5eed), &mut bytes);
                T::from_bytes(&bytes).unwrap_or_else(|e| panic!("{full_type}: {e}"))
            }

            #named

            fn check<T: Serializable + Deserializable + PartialEq + std::fmt::Debug>(value: T) {
                let bytes = value.to_bytes();
                let back = T::from_bytes(&bytes)
                    .unwrap_or_else(|e| panic!("{value:?} does not read back: {e}"));
                assert_eq!(back, value);
                assert_eq!(back.to_bytes(), bytes);
            }

            #(#chunks)*
        }
    }

    pub(super) fn module_root(&self, layer: i32) -> TokenStream {
        let sizes = self.ctors_by_type.keys().map(|full| {
            let path = self.enum_path(full);
            quote!((#full, core::mem::size_of::<#path>()),)
        });
        quote! {
            //! Generated from the vendored schema; see the crate documentation.

            /// The API layer these types implement: send it in `invokeWithLayer`.
            pub const LAYER: i32 = #layer;

            /// Each boxed type's TL name and `size_of` of its enum, for the size test.
            #[doc(hidden)]
            pub const ENUM_SIZES: &[(&str, usize)] = &[#(#sizes)*];

            #[cfg(feature = "any-object")]
            mod any;
            pub mod enums;
            pub mod functions;
            mod names;
            pub mod types;

            #[cfg(feature = "any-object")]
            pub use any::AnyObject;
            pub use names::name_of;
        }
    }

    /// Groups items by namespace into nested modules.
    pub(super) fn namespaced(items: Vec<(Vec<String>, TokenStream)>, what: &str) -> TokenStream {
        let mut root = Vec::new();
        let mut modules: BTreeMap<String, Vec<TokenStream>> = BTreeMap::new();
        for (ns, tokens) in items {
            match ns.first() {
                None => root.push(tokens),
                Some(first) => modules.entry(first.clone()).or_default().push(tokens),
            }
        }
        let mods = modules.into_iter().map(|(name, items)| {
            let ident = format_ident!("{name}");
            let doc = format!(" The {what} of the `{name}` namespace.");
            quote! {
                #[doc = #doc]
                pub mod #ident {
                    #(#items)*
                }
            }
        });
        quote! { #(#root)* #(#mods)* }
    }

    pub(super) fn types_file(&self) -> TokenStream {
        let items = self
            .defs
            .iter()
            .enumerate()
            .filter(|(_, d)| d.def.category == Category::Type)
            .map(|(i, d)| (d.def.namespace.clone(), self.definition_items(i)))
            .collect();
        let body = Self::namespaced(items, "constructors");
        quote! {
            //! One struct per constructor.
            #body
        }
    }

    pub(super) fn functions_file(&self) -> TokenStream {
        let items = self
            .defs
            .iter()
            .enumerate()
            .filter(|(_, d)| d.def.category == Category::Function)
            .map(|(i, d)| (d.def.namespace.clone(), self.definition_items(i)))
            .collect();
        let body = Self::namespaced(items, "functions");
        quote! {
            //! One struct per function; each is a `RemoteCall`.
            #body
        }
    }

    pub(super) fn variant_names(&self, full: &str, ctors: &[usize]) -> Vec<Ident> {
        let (_, type_name) = split_full(full);
        let type_pascal = pascal(&type_name);
        let stripped: Vec<String> = ctors
            .iter()
            .map(|&i| {
                let name = pascal(&self.defs[i].def.name);
                match name.strip_prefix(&type_pascal) {
                    // `inputPeerSelf` cannot become `Self`.
                    Some(rest)
                        if rest.starts_with(|c: char| c.is_ascii_uppercase()) && rest != "Self" =>
                    {
                        rest.to_string()
                    }
                    _ => name,
                }
            })
            .collect();
        let unique: HashSet<&String> = stripped.iter().collect();
        if unique.len() == stripped.len() {
            stripped.iter().map(|s| format_ident!("{s}")).collect()
        } else {
            ctors.iter().map(|&i| self.defs[i].ident.clone()).collect()
        }
    }

    /// `enums.rs`. Long because most of it is the `quote!` template of an enum
    /// and its impls.
    pub(super) fn enums_file(&self) -> TokenStream {
        let mut items = Vec::new();
        for (full, ctors) in &self.ctors_by_type {
            let (ns, name) = split_full(full);
            let ident = format_ident!("{}", pascal(&name));
            let variants = self.variant_names(full, ctors);
            let mut decl = Vec::new();
            let mut ser = Vec::new();
            let mut de = Vec::new();
            let mut ids = Vec::new();
            let mut canon = Vec::new();
            let mut froms = Vec::new();
            let mut serde_ser = Vec::new();
            let inline = inline_attr();
            for (&idx, var) in ctors.iter().zip(&variants) {
                let def = self.defs[idx].def;
                let id = hex(def.id);
                let path = self.struct_path(idx);
                // The struct's documentation has the whole schema line.
                let doc = format!(
                    " `{}#{:08x}`: [`{}`].",
                    def.full_name(),
                    def.id,
                    path.to_string().replace(' ', "")
                );
                let tl_name = def.full_name();
                let rename = quote!(#[cfg_attr(feature = "serde", serde(rename = #tl_name))]);
                ids.push(quote!(Self::#var { .. } => #id,));
                if def.params.is_empty() {
                    serde_ser
                        .push(quote!(Self::#var => serde::Serialize::serialize(&#path {}, s),));
                    decl.push(quote!(#[doc = #doc] #rename #var,));
                    ser.push(quote!(Self::#var => crate::Serializable::serialize(&#id, buf),));
                    de.push(quote!(#id => Ok(Self::#var),));
                    canon.push(quote!(Self::#var => { crate::canonical::open(#id, out); out.push_str("]}"); }));
                    froms.push(quote! {
                        impl From<#path> for #ident {
                            #inline
                            fn from(_: #path) -> Self { Self::#var }
                        }
                    });
                } else {
                    let boxed = self.boxed.contains(&idx);
                    let (payload, value, deref, wrap) = if boxed {
                        (
                            quote!(Box<#path>),
                            quote!(crate::deserialize::decode_boxed(r, Self::#var)),
                            quote!(&**x),
                            quote!(Box::new(x)),
                        )
                    } else {
                        (
                            quote!(#path),
                            quote!(<#path as crate::BareDeserializable>::deserialize_bare(r).map(Self::#var)),
                            quote!(x),
                            quote!(x),
                        )
                    };
                    serde_ser.push(quote!(Self::#var(x) => serde::Serialize::serialize(x, s),));
                    decl.push(quote!(#[doc = #doc] #rename #var(#payload),));
                    ser.push(quote!(Self::#var(x) => crate::Serializable::serialize(#deref, buf),));
                    de.push(quote!(#id => #value,));
                    canon.push(quote!(Self::#var(x) => crate::CanonicalJson::write_canonical_json(#deref, out),));
                    froms.push(quote! {
                        impl From<#path> for #ident {
                            #inline
                            fn from(x: #path) -> Self { Self::#var(#wrap) }
                        }
                    });
                    if boxed {
                        froms.push(quote! {
                            impl From<Box<#path>> for #ident {
                                #inline
                                fn from(x: Box<#path>) -> Self { Self::#var(x) }
                            }
                        });
                    }
                }
            }
            let doc = format!(
                "The boxed type `{full}`: one of {} constructor(s).",
                ctors.len()
            );
            let peers = self.enum_peers_impl(full, ctors, &variants, &ident);
            items.push((
                ns,
                quote! {
                    #[doc = #doc]
                    #[derive(Clone, Debug)]
                    #[cfg_attr(feature = "partial-eq", derive(PartialEq))]
                    #[cfg_attr(feature = "serde", derive(serde::Deserialize), serde(tag = "_"))]
                    pub enum #ident {
                        #(#decl)*
                    }

                    impl #ident {
                        /// The constructor id of the value held.
                        #inline
                        pub fn constructor_id(&self) -> u32 {
                            match self { #(#ids)* }
                        }
                    }

                    /// Written as the constructor held, whose `"_"` names it.
                    #[cfg(feature = "serde")]
                    impl serde::Serialize for #ident {
                        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                            match self { #(#serde_ser)* }
                        }
                    }

                    impl crate::Serializable for #ident {
                        #inline
                        fn serialize(&self, buf: &mut Vec<u8>) {
                            match self { #(#ser)* }
                        }
                    }

                    impl crate::Deserializable for #ident {
                        #inline
                        fn deserialize(r: &mut crate::Reader<'_>) -> Result<Self, crate::DeserializeError> {
                            let start = r.position();
                            let id = r.read_u32()?;
                            r.enter()?;
                            let value: Result<Self, crate::DeserializeError> = match id {
                                #(#de)*
                                _ => return Err(r.error_at(
                                    crate::DeserializeErrorKind::UnknownConstructor { id, expected: #full },
                                    start,
                                )),
                            };
                            let value = value.map_err(|e| e.in_constructor(id))?;
                            r.leave();
                            Ok(value)
                        }
                    }

                    #[cfg(feature = "canonical-json")]
                    impl crate::CanonicalJson for #ident {
                        fn write_canonical_json(&self, out: &mut String) {
                            match self { #(#canon)* }
                        }
                    }

                    #peers

                    #(#froms)*
                },
            ));
        }
        let body = Self::namespaced(items, "boxed types");
        quote! {
            //! One enum per boxed type, a variant per constructor.
            #body
        }
    }

    /// `names.rs`: every id with its TL name, compiled in every build (unlike
    /// `AnyObject`, which is behind the `any-object` feature).
    pub(super) fn names_file(&self) -> TokenStream {
        let mut names: Vec<(u32, String)> = self
            .defs
            .iter()
            .map(|d| (d.def.id, d.def.full_name()))
            .collect();
        names.sort_by_key(|(id, _)| *id);
        names.dedup_by_key(|(id, _)| *id);
        let n_names = names.len();
        let table = names.iter().map(|(id, tl)| {
            let id = hex(*id);
            quote!((#id, #tl))
        });
        quote! {
            //! The TL name of every constructor and function id.

            /// Every constructor and function id (sorted) with its TL name.
            static NAMES: [(u32, &str); #n_names] = [#(#table),*];

            /// The TL name of the constructor or function with this id, if the schema
            /// has one.
            pub fn name_of(id: u32) -> Option<&'static str> {
                NAMES.binary_search_by_key(&id, |(i, _)| *i).ok().map(|i| NAMES[i].1)
            }
        }
    }

    /// `any.rs`. Long because most of it is the `quote!` template of the file.
    pub(super) fn any_file(&self) -> TokenStream {
        let mut used = HashSet::new();
        let mut decl = Vec::new();
        let mut ser = Vec::new();
        let mut de = Vec::new();
        let mut ids = Vec::new();
        let mut names = Vec::new();
        let mut canon = Vec::new();
        let mut peers = Vec::new();
        let mut debug = Vec::new();
        let mut serde_ser = Vec::new();
        let mut try_from = Vec::new();
        let mut converted = HashSet::new();
        for (idx, d) in self.defs.iter().enumerate() {
            let def = d.def;
            let mut name: String = def.namespace.iter().map(|n| pascal(n)).collect();
            name.push_str(&d.ident.to_string());
            if !used.insert(name.clone()) {
                name.push_str(if def.category == Category::Function {
                    "Fn"
                } else {
                    "Type"
                });
                used.insert(name.clone());
            }
            let var = format_ident!("{name}");
            let path = self.struct_path(idx);
            let path = if def.generics.is_empty() {
                path
            } else {
                let args = def.generics.iter().map(|_| quote!(AnyObject));
                quote!(#path<#(#args),*>)
            };
            let id = hex(def.id);
            let tl = def.full_name();
            let kind = if def.category == Category::Function {
                "function"
            } else {
                "constructor"
            };
            let doc = format!(" The {kind} `{tl}`.");
            decl.push(quote!(#[doc = #doc] #[cfg_attr(feature = "serde", serde(rename = #tl))] #var(Box<#path>),));
            ser.push(quote!(Self::#var(x) => crate::Serializable::serialize(&**x, buf),));
            // Functions only: a server takes the request it decoded back out.
            if def.category == Category::Function && converted.insert(path.to_string()) {
                try_from.push(quote! {
                    impl TryFrom<AnyObject> for #path {
                        type Error = AnyObject;
                        #[inline]
                        fn try_from(o: AnyObject) -> Result<Self, AnyObject> {
                            match o {
                                AnyObject::#var(x) => Ok(*x),
                                other => Err(other),
                            }
                        }
                    }
                });
            }
            de.push((
                def.id,
                tl.clone(),
                quote!(#id => crate::deserialize::decode_boxed(r, AnyObject::#var),),
            ));
            ids.push(quote!(Self::#var(_) => #id,));
            names.push(quote!(Self::#var(_) => #tl,));
            debug.push(quote!(Self::#var(x) => core::fmt::Debug::fmt(&**x, f),));
            serde_ser.push(quote!(Self::#var(x) => serde::Serialize::serialize(&**x, s),));
            canon.push(
                quote!(Self::#var(x) => crate::CanonicalJson::write_canonical_json(&**x, out),),
            );
            if def.category == Category::Type && self.ctor_carries(idx, &self.carries) {
                peers.push(
                    quote!(Self::#var(x) => crate::Peers::collect_peers(&**x, users, chats),),
                );
            }
        }
        de.sort_by_key(|(id, _, _)| *id);
        de.dedup_by_key(|(id, _, _)| *id);
        let arms = de.iter().map(|(_, _, arm)| arm);
        let inline = inline_attr();
        quote! {
            //! `AnyObject`: any boxed value, decoded by its constructor id.

            /// Any constructor or function of either schema, decoded by its constructor id.
            ///
            /// Use it where the type is not known in advance: logging traffic, a server
            /// decoding requests, fuzzing. Generic functions (`invokeWithLayer`) hold
            /// their inner query as another `AnyObject`. Its `Debug` output is the
            /// value held.
            #[derive(Clone)]
            #[cfg_attr(feature = "serde", derive(serde::Deserialize), serde(tag = "_"))]
            pub enum AnyObject {
                #(#decl)*
            }

            impl AnyObject {
                /// The constructor id of the value held.
                #inline
                pub fn constructor_id(&self) -> u32 {
                    match self { #(#ids)* }
                }

                /// The TL name of the value held (`channelParticipantAdmin`,
                /// `channels.getParticipants`).
                #inline
                pub fn name(&self) -> &'static str {
                    match self { #(#names)* }
                }

                /// Decodes one value spanning all of `bytes`.
                #inline
                pub fn from_bytes(bytes: &[u8]) -> Result<Self, crate::DeserializeError> {
                    <Self as crate::Deserializable>::from_bytes(bytes)
                }

                /// Encodes the value.
                #inline
                pub fn to_bytes(&self) -> Vec<u8> {
                    crate::Serializable::to_bytes(self)
                }
            }

            /// Equal when they hold the same constructor with the same encoding: for
            /// values read from the wire, the same as comparing every field. (A derived
            /// comparison over thousands of variants cost about 40 s of every debug
            /// build of this crate with `partial-eq`.)
            #[cfg(feature = "partial-eq")]
            impl PartialEq for AnyObject {
                fn eq(&self, other: &Self) -> bool {
                    self.constructor_id() == other.constructor_id() && self.to_bytes() == other.to_bytes()
                }
            }

            impl core::fmt::Debug for AnyObject {
                #inline
                fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                    match self { #(#debug)* }
                }
            }

            impl crate::Serializable for AnyObject {
                #inline
                fn serialize(&self, buf: &mut Vec<u8>) {
                    match self { #(#ser)* }
                }
            }

            impl crate::Deserializable for AnyObject {
                #inline
                fn deserialize(r: &mut crate::Reader<'_>) -> Result<Self, crate::DeserializeError> {
                    let start = r.position();
                    let id = r.read_u32()?;
                    r.enter()?;
                    let value = match id {
                        #(#arms)*
                        _ => return Err(r.error_at(
                            crate::DeserializeErrorKind::UnknownConstructor { id, expected: "Object" },
                            start,
                        )),
                    };
                    let value = value.map_err(|e| e.in_constructor(id))?;
                    r.leave();
                    Ok(value)
                }
            }

            // Each function's request back out of an `AnyObject` (the value
            // itself when it is that function; else the object, unchanged).
            #(#try_from)*

            /// A generic function's query is written as whatever it holds.
            impl crate::RemoteCall for AnyObject {
                type Return = AnyObject;
            }

            /// Written as the value held, whose `"_"` names it.
            #[cfg(feature = "serde")]
            impl serde::Serialize for AnyObject {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    match self { #(#serde_ser)* }
                }
            }

            /// The users and chats of the constructor held (functions hold none).
            impl crate::Peers for AnyObject {
                #inline
                fn collect_peers<'a>(
                    &'a self,
                    users: &mut Vec<&'a crate::enums::User>,
                    chats: &mut Vec<&'a crate::enums::Chat>,
                ) {
                    match self {
                        #(#peers)*
                        _ => {}
                    }
                }
            }

            #[cfg(feature = "canonical-json")]
            impl crate::CanonicalJson for AnyObject {
                fn write_canonical_json(&self, out: &mut String) {
                    match self { #(#canon)* }
                }
            }
        }
    }
}
