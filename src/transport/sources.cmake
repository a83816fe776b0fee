# The libcurl transport. Included by the library target, which links CURL::libcurl.
set(ZSTACK_TRANSPORT_SOURCES
    "${CMAKE_CURRENT_LIST_DIR}/curl_transport.cpp")
