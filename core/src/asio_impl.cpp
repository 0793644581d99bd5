// The one translation unit that compiles Boost.Asio and Boost.Beast (the library
// defines BOOST_ASIO_SEPARATE_COMPILATION and BOOST_BEAST_SEPARATE_COMPILATION for
// everyone who links it), so that every other file only sees their declarations. Asio's
// TLS (OpenSSL, linked into vmpulse_core) is compiled here too.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
