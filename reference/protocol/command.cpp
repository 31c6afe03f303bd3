#include "protocol/command.hpp"
