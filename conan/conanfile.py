# Conan 2 recipe for zstack-sdk-cpp (the project itself builds with Debian packages; this
# recipe is for users who consume the SDK through Conan).
from conan import ConanFile
from conan.tools.cmake import CMake, CMakeToolchain, cmake_layout


class ZstackSdkConan(ConanFile):
    name = "zstack-sdk-cpp"
    version = "0.1.0"
    license = "Apache-2.0"
    description = "C++ client SDK for the ZStack cloud REST API"
    settings = "os", "compiler", "build_type", "arch"
    options = {"shared": [True, False], "fPIC": [True, False]}
    default_options = {"shared": False, "fPIC": True}
    exports_sources = "../CMakeLists.txt", "../cmake/*", "../include/*", "../src/*", "../LICENSE"
    requires = ("libcurl/[>=7.68]", "openssl/[>=3.0]", "rapidjson/cci.20230929")

    def layout(self):
        cmake_layout(self)

    def generate(self):
        tc = CMakeToolchain(self)
        tc.variables["ZSTACK_BUILD_TESTS"] = False
        tc.variables["ZSTACK_BUILD_SIMULATOR"] = False
        tc.variables["ZSTACK_BUILD_EXAMPLES"] = False
        tc.variables["ZSTACK_BUILD_CLI"] = False
        tc.generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()

    def package(self):
        CMake(self).install()

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "zstack")
        self.cpp_info.set_property("cmake_target_name", "zstack::sdk")
        self.cpp_info.set_property("pkg_config_name", "zstack")
        self.cpp_info.libs = ["zstack"]
