#include "wire/line_reader.hpp"
